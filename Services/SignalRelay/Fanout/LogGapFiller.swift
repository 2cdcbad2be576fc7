import Foundation
import Logging
import Models
import PostgresNIO
import ServiceLifecycle

/// Live delivery never waits for the next signal. Records reach this instance through the
/// broker, and the broker can lose some: after its restart, whichever process reconnects first
/// may publish outbox records before this instance has declared its feed queue again, and those
/// are dropped. Every `interval`, this compares the log heads of the strategies followed here
/// with what the hub dispatched; a head that was already beyond it at the previous look (so not
/// merely in flight) is a gap, read from the log once and dispatched like live records (each
/// subscription drops the seqs it already sent). A committed record therefore reaches connected
/// followers within about two intervals even when no other signal follows.
struct LogGapFiller: Service {
    let hub: RelayHub
    let database: PostgresClient
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var previousHeads: [String: Int64] = [:]
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                do {
                    previousHeads = try await fillGaps(after: previousHeads)
                } catch {
                    // The database is away: the next look tries again.
                    logger.debug("gap check failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One look: fills what was missing since `previousHeads` and returns the heads seen now.
    func fillGaps(after previousHeads: [String: Int64]) async throws -> [String: Int64] {
        let dispatched = await hub.dispatchedSeqs()
        guard !dispatched.isEmpty else { return [:] }
        let heads = try await SignalLog.headSeqs(of: Array(dispatched.keys), client: database, logger: logger)
        for (strategyId, sent) in dispatched {
            guard let stalled = previousHeads[strategyId], stalled > sent else { continue }
            var after = sent
            while after < stalled {
                let page = try await SignalLog.records(of: strategyId, after: after, limit: min(500, Int(stalled - after)), client: database, logger: logger)
                guard let last = page.last else { break }
                for record in page { await hub.dispatch(LiveRecord(record)) }
                RelayMetrics.gapFilled(count: page.count)
                after = last.seq
            }
            logger.info("filled a gap in live delivery from the log", metadata: ["strategy": "\(strategyId)", "from": "\(sent + 1)", "through": "\(after)"])
        }
        return heads
    }
}
