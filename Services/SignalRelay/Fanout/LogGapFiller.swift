import Foundation
import Logging
import Models
import ServiceLifecycle

/// Live delivery never waits for the next signal. Records reach this instance through the
/// broker, and the broker can lose some: after its restart, whichever process reconnects first
/// may publish outbox records before this instance has declared its feed queue again, and those
/// are dropped. Every `interval`, this compares the log heads of the strategies followed here
/// with what the hub dispatched; a head that was already beyond it at the previous look (so not
/// merely in flight) is a gap, read from the log once for the instance and dispatched like live
/// records (each subscription drops the seqs it already sent). A committed record therefore
/// reaches every connected follower within two intervals plus one log read, even when no other
/// signal follows. (Judging per connection instead made every connection read the log whenever
/// the broker was merely slower than an interval: many reads for nothing, under load.)
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
                previousHeads = await look(after: previousHeads)
            }
        }
    }

    /// One look: fills what was missing since `previousHeads` and returns the heads seen now
    /// (none when the database is away: the next look reads them again).
    func look(after previousHeads: [String: Int64]) async -> [String: Int64] {
        let dispatched = hub.dispatchedSeqs()
        guard !dispatched.isEmpty else { return [:] }
        for (strategyId, sent) in dispatched {
            guard let stalled = previousHeads[strategyId], stalled > sent else { continue }
            var after = sent
            while after < stalled, let page = await log.page(of: strategyId, after: after) {
                let missing = page.filter { $0.seq <= stalled }
                guard let last = missing.last else { break }
                for record in missing { hub.dispatch(LiveRecord(record)) }
                RelayMetrics.gapFilled(count: missing.count)
                after = last.seq
            }
            logger.info("filled a gap in live delivery from the log", metadata: ["strategy": "\(strategyId)", "from": "\(sent + 1)", "through": "\(after)"])
        }
        do {
            return try await log.heads(of: Array(dispatched.keys)) ?? [:]
        } catch {
            logger.debug("gap check failed", metadata: ["error": "\(error)"])
            return [:]
        }
    }
}
