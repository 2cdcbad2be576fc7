import Foundation
import Logging
import Models

/// One connection's subscription to one strategy. It replays the log after a sequence number,
/// then sends live records, in order, with no gap and no repeat across the switch-over: it is
/// registered with the hub before the log is read, so a record is either in the log when read
/// or arrives live, and sequence numbers drop the ones that do both. A live record beyond the
/// next expected one (records can overtake each other between replicas' outbox relays, and the
/// gap filler brings what the broker lost) makes it read the missing ones from the log first;
/// a read that fails is tried again (`LogReader`), so a subscription is never left behind.
final class FollowerSubscription: SignalSink {
    let strategyId: String
    let userId: UUID
    let deviceId: UUID?
    let apiKeyId: UUID?
    private let live: AsyncStream<LiveRecord>
    private let input: AsyncStream<LiveRecord>.Continuation
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
        (live, input) = AsyncStream.makeStream(of: LiveRecord.self, bufferingPolicy: .bufferingOldest(buffer))
        self.onOverflow = onOverflow
        self.onAccessEnded = onAccessEnded
    }

    func deliver(_ record: LiveRecord) {
        if case .dropped = input.yield(record) {
            RelayMetrics.slowFollowerDisconnected()
            onOverflow()
        }
    }

    func accessEnded(strategyId: String) {
        onAccessEnded(strategyId)
    }

    /// Ends `pump`.
    func finish() {
        input.finish()
    }

    /// Sends every record after `start` through `send` (false: the connection is gone), then
    /// live ones, until `finish()` or cancellation.
    func pump(after start: Int64, log: LogReader, send: (LiveRecord) async -> Bool) async {
        var last = start
        /// Sends logged records after `last` through `limit` (all of them when nil); false when
        /// sending failed or the subscription was stopped.
        func catchUp(through limit: Int64?) async -> Bool {
            while limit.map({ last < $0 }) ?? true {
                guard let page = await log.page(of: strategyId, after: last) else { return false }
                for record in page where limit.map({ record.seq <= $0 }) ?? true {
                    guard await send(LiveRecord(record)) else { return false }
                    last = record.seq
                }
                if page.count < LogReader.pageSize { return true }
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
