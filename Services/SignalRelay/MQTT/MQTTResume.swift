import Foundation
import Logging
import Models
import PostgresNIO

/// Per connection and strategy, the seq up to which every record handed to the writer was
/// acknowledged. PUBACKs usually come in order; one that overtakes another does not move the
/// point past the record still unacknowledged.
struct AckTracker {
    private var unacknowledged: [String: [Int64]] = [:]
    private var highestAcknowledged: [String: Int64] = [:]

    mutating func handed(_ strategyId: String, seq: Int64) {
        unacknowledged[strategyId, default: []].append(seq)
    }

    /// Records the PUBACK of `seq`; returns the strategy's new resume point.
    mutating func acknowledged(_ strategyId: String, seq: Int64) -> Int64 {
        if let index = unacknowledged[strategyId]?.firstIndex(of: seq) { unacknowledged[strategyId]?.remove(at: index) }
        highestAcknowledged[strategyId] = max(highestAcknowledged[strategyId] ?? seq, seq)
        if let oldest = unacknowledged[strategyId]?.first { return oldest - 1 }
        return highestAcknowledged[strategyId] ?? seq
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
