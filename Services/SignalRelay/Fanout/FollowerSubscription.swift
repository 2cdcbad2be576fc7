import Foundation
import Logging
import Models
import PostgresNIO

/// One connection's subscription to one strategy. It replays the log after a sequence number,
/// then sends live records, in order, with no gap and no repeat across the switch-over: it is
/// registered with the hub before the log is read, so a record is either in the log when read
/// or arrives live, and sequence numbers drop the ones that do both. A live record beyond the
/// next expected one (records can overtake each other between replicas' outbox relays) makes it
/// read the missing ones from the log first.
final class FollowerSubscription: SignalSink {
    let strategyId: String
    let userId: UUID
    let deviceId: UUID?
    let apiKeyId: UUID?
    private let live: AsyncStream<LiveRecord>
    private let liveInput: AsyncStream<LiveRecord>.Continuation
    private let onOverflow: @Sendable () -> Void
    private let onAccessEnded: @Sendable (String) -> Void

    init(
        strategyId: String, userId: UUID, deviceId: UUID? = nil, apiKeyId: UUID? = nil, buffer: Int,
        onOverflow: @escaping @Sendable () -> Void, onAccessEnded: @escaping @Sendable (String) -> Void
    ) {
        self.strategyId = strategyId
        self.userId = userId
        self.deviceId = deviceId
        self.apiKeyId = apiKeyId
        (live, liveInput) = AsyncStream.makeStream(of: LiveRecord.self, bufferingPolicy: .bufferingOldest(buffer))
        self.onOverflow = onOverflow
        self.onAccessEnded = onAccessEnded
    }

    func deliver(_ record: LiveRecord) {
        if case .dropped = liveInput.yield(record) {
            RelayMetrics.slowFollowerDisconnected()
            onOverflow()
        }
    }

    func accessEnded(strategyId: String) {
        onAccessEnded(strategyId)
    }

    /// Ends `pump`.
    func finish() {
        liveInput.finish()
    }

    /// Sends every record after `start` through `send` (false: the connection is gone), then
    /// live ones, until `finish()`.
    func pump(after start: Int64, database: PostgresClient, logger: Logger, send: (LiveRecord) async -> Bool) async {
        var last = start
        /// Sends logged records after `last`, up to `limit` if given; false when sending failed.
        func catchUp(through limit: Int64?) async -> Bool {
            while limit.map({ last < $0 }) ?? true {
                guard let page = try? await SignalLog.records(of: strategyId, after: last, limit: 500, client: database, logger: logger) else {
                    return false
                }
                for record in page where limit.map({ record.seq <= $0 }) ?? true {
                    guard await send(LiveRecord(record)) else { return false }
                    last = record.seq
                }
                if page.count < 500 { return true }
            }
            return true
        }
        guard await catchUp(through: nil) else { return }
        for await record in live {
            if record.seq <= last { continue }
            if record.seq > last + 1 {
                guard await catchUp(through: record.seq - 1) else { return }
            }
            guard await send(record) else { return }
            last = record.seq
            RelayMetrics.recordDelivered()
        }
    }
}
