import Foundation
import Logging
import Models
import ServiceLifecycle

/// Live delivery never waits for the next signal. Records reach this instance through the
/// broker, and the broker can lose some: after its restart, whichever process reconnects first
/// may publish outbox records before this instance has declared its feed queue again, and those
/// are dropped. Every `interval`, this reads the log heads of the strategies followed here and
/// tells each subscription the heads of the *previous* look: a record committed that long ago is
/// no longer in flight, so a subscription that has not sent it reads it from the log
/// (`FollowerSubscription`). Each subscription judges for itself, so one follower joining late,
/// or one that was sent more, never hides another's gap. A committed record therefore reaches
/// every connected follower within two intervals plus one log read, even when no signal follows.
struct LogGapFiller: Service {
    let hub: RelayHub
    let log: LogReader
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var previousHeads: [String: Int64] = [:]
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                previousHeads = await look(announcing: previousHeads)
            }
        }
    }

    /// One look: announces the heads of the previous one, then returns those seen now (none
    /// when the database is away: the next look reads them again).
    func look(announcing previousHeads: [String: Int64]) async -> [String: Int64] {
        for (strategyId, head) in previousHeads {
            await hub.logReached(head, of: strategyId)
        }
        let followed = await hub.followedStrategies
        guard !followed.isEmpty else { return [:] }
        do {
            return try await log.heads(of: followed) ?? [:]
        } catch {
            logger.debug("gap check failed", metadata: ["error": "\(error)"])
            return [:]
        }
    }
}
