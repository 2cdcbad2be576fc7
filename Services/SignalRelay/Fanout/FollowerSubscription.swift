import Foundation
import Logging
import Models
import NIOCore

/// Where a subscription's records go: one follower connection (MQTT or WebSocket), written on
/// its event loop.
protocol FollowerConnection: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    /// Writes or queues `record`, on `eventLoop`; false when the connection is closing or too
    /// far behind (it then closes itself, and the follower resumes from the log).
    func send(_ record: LiveRecord) -> Bool
    /// Closes the connection, counted as a follower too slow to keep up (on `eventLoop`).
    func fellBehind()
}

/// One connection's subscription to one strategy. It replays the log after a sequence number,
/// then sends live records, in order, with no gap and no repeat across the switch-over: it is
/// registered with the hub before the log is read, so a record is either in the log when read
/// or arrives live, and sequence numbers drop the ones that do both. A live record beyond the
/// next expected one (records can overtake each other between replicas' outbox relays, and the
/// gap filler brings what the broker lost) makes it read the missing ones from the log first;
/// a read that fails is tried again (`LogReader`), so a subscription is never left behind.
///
/// All of its state lives on the connection's event loop: a live record is sent in the same
/// call that delivers it, and only log reads leave the loop.
final class FollowerSubscription: SignalSink {
    private enum Phase {
        /// Reading the log; live records wait in `waiting`.
        case catchingUp
        case live
        case stopped
    }

    private struct State {
        var phase = Phase.catchingUp
        /// Live records that arrived while the log was read, in arrival order.
        var waiting: [LiveRecord] = []
        /// The last seq sent.
        var last: Int64 = 0
        var reader: Task<Void, Never>?
    }

    let strategyId: String
    let userId: UUID
    let deviceId: UUID?
    let apiKeyId: UUID?
    let eventLoop: any EventLoop
    private let connection: any FollowerConnection
    private let log: LogReader
    private let buffer: Int
    private let onAccessEnded: @Sendable (String) -> Void
    private let state: NIOLoopBoundBox<State>

    init(
        strategyId: String, userId: UUID, deviceId: UUID? = nil, apiKeyId: UUID? = nil, connection: any FollowerConnection, log: LogReader,
        buffer: Int, onAccessEnded: @escaping @Sendable (String) -> Void
    ) {
        self.strategyId = strategyId
        self.userId = userId
        self.deviceId = deviceId
        self.apiKeyId = apiKeyId
        self.connection = connection
        self.log = log
        self.buffer = buffer
        self.onAccessEnded = onAccessEnded
        eventLoop = connection.eventLoop
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: connection.eventLoop)
    }

    /// Sends every logged record after `seq`, then live ones, until `stop()`.
    func start(after seq: Int64) {
        eventLoop.execute {
            guard case .catchingUp = self.state.value.phase else { return }
            self.state.value.last = seq
            self.readLog()
        }
    }

    /// Ends it: nothing more is sent, a log read under way is abandoned. Callable from anywhere.
    func stop() {
        eventLoop.execute { self.halt() }
    }

    func accessEnded(strategyId: String) {
        onAccessEnded(strategyId)
    }

    func deliver(_ record: LiveRecord) {
        switch state.value.phase {
        case .stopped:
            return
        case .catchingUp:
            guard state.value.waiting.count < buffer else { return overflow() }
            state.value.waiting.append(record)
        case .live:
            let last = state.value.last
            if record.seq <= last { return }
            if record.seq > last + 1 {
                // A gap: the records before this one come from the log, then this one.
                state.value.phase = .catchingUp
                state.value.waiting = [record]
                return readLog()
            }
            send(record)
        }
    }

    private func send(_ record: LiveRecord) {
        guard connection.send(record) else { return halt() }
        state.value.last = record.seq
        RelayMetrics.recordDelivered()
    }

    /// Reads the page after the last seq sent off the loop, and comes back with it.
    private func readLog() {
        let (log, strategyId, after) = (log, strategyId, state.value.last)
        state.value.reader = Task { [eventLoop] in
            guard let page = await log.page(of: strategyId, after: after) else { return }
            eventLoop.execute { self.logged(page) }
        }
    }

    private func logged(_ page: [SignalRecord]) {
        guard case .catchingUp = state.value.phase else { return }
        for record in page where record.seq > state.value.last {
            send(LiveRecord(record))
            if case .stopped = state.value.phase { return }
        }
        if page.count == LogReader.pageSize { return readLog() }
        // At the log's end: the waiting records, in order, then live. One of them may be past a
        // new gap; then it and those behind it wait for the next read.
        state.value.reader = nil
        state.value.phase = .live
        var rest = state.value.waiting[...]
        state.value.waiting = []
        while let record = rest.popFirst() {
            deliver(record)
            switch state.value.phase {
            case .live: continue
            case .catchingUp: state.value.waiting += rest
            case .stopped: break
            }
            return
        }
    }

    private func overflow() {
        halt()
        connection.fellBehind()
    }

    private func halt() {
        state.value.phase = .stopped
        state.value.waiting = []
        state.value.reader?.cancel()
        state.value.reader = nil
    }
}
