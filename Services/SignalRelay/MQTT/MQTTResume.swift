import DequeModule
import Foundation
import Logging
import Models
import PostgresNIO

/// Per connection and strategy, the seq up to which every record handed to the writer was
/// acknowledged. PUBACKs usually come in order; one that overtakes another does not move the
/// point past the record still unacknowledged. A record in flight remembers its strategy's
/// `Slot`, so a PUBACK costs no lookup by strategy id: this runs once per delivery and once per
/// PUBACK, for every follower.
struct AckTracker {
    /// A strategy's place in the tracker, as long as the connection lives.
    struct Slot: Equatable {
        fileprivate let index: Int
    }

    private struct Strategy {
        let id: String
        /// Handed and not acknowledged, in the order handed (the order seqs rise in).
        var unacknowledged = Deque<Int64>()
        var highestAcknowledged: Int64?

        /// Records the PUBACK of `seq`; returns the new resume point.
        mutating func acknowledge(_ seq: Int64) -> Int64 {
            let highest = max(highestAcknowledged ?? seq, seq)
            highestAcknowledged = highest
            if unacknowledged.first == seq {
                unacknowledged.removeFirst()  // the usual case: PUBACKs in order
            } else if let index = unacknowledged.firstIndex(of: seq) {
                unacknowledged.remove(at: index)
            }
            return unacknowledged.first.map { $0 - 1 } ?? highest
        }
    }

    private var strategies: [Strategy] = []
    private var slots: [String: Int] = [:]
    /// Most connections follow one strategy: its records skip the lookup.
    private var lastHanded: Int?

    mutating func handed(_ strategyId: String, seq: Int64) -> Slot {
        let index: Int
        if let last = lastHanded, strategies[last].id == strategyId {
            index = last
        } else if let known = slots[strategyId] {
            index = known
        } else {
            index = strategies.count
            strategies.append(Strategy(id: strategyId))
            slots[strategyId] = index
        }
        lastHanded = index
        strategies[index].unacknowledged.append(seq)
        return Slot(index: index)
    }

    /// Records the PUBACK of `seq`; returns the strategy's new resume point.
    mutating func acknowledged(_ slot: Slot, seq: Int64) -> Int64 {
        strategies[slot.index].acknowledge(seq)
    }

    func strategyId(of slot: Slot) -> String {
        strategies[slot.index].id
    }
}

/// Where a re-subscribing device starts: after what it acknowledged, so records sent while it
/// was away (a relay restart, a dropped network) reach it first, in order, then live ones. Only
/// records younger than `window` and at most `maxRecords` are replayed: a bot that was gone
/// for long must not act on stale orders; those skipped are counted.
struct MQTTResumePolicy: Sendable {
    let window: Duration
    let maxRecords: Int64
    let store: any MQTTResumeStore
    let book: MQTTResumeBook

    func start(for key: ResumeKey, head: Int64, now: Date, database: PostgresClient, logger: Logger) async throws -> Int64 {
        let saved = try await store.ackedSeq(key)
        guard let acked = [saved, book.unsaved(key)].compactMap({ $0 }).max(), acked < head else { return head }
        var start = max(acked, head - maxRecords)
        let cutoff = now.addingTimeInterval(-Double(window.components.seconds))
        for try await stale in try await database.query(
            """
            SELECT max(seq) FROM signal_records
            WHERE strategy_id = \(key.strategyId) AND seq > \(start) AND seq <= \(head) AND received_at < \(cutoff)
            """,
            logger: logger
        ).decode(Int64?.self) {
            if let stale { start = max(start, stale) }
        }
        if start > acked {
            RelayMetrics.resumeSkipped(count: Int(start - acked))
            logger.info("MQTT resume skipped stale records", metadata: ["strategy": "\(key.strategyId)", "device": "\(key.deviceId)", "skipped": "\(start - acked)"])
        }
        return start
    }
}
