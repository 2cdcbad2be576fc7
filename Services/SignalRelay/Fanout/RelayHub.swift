import EventBus
import Foundation
import Logging
import Messaging
import Models
import NIOCore
import PostgresNIO
import SignalStore
import Synchronization

/// Something that receives a strategy's live records: one follower connection's subscription.
/// The hub calls `deliver` on the sink's event loop (the connection's), so a delivery is a
/// plain call on the thread that writes to the socket; it must never block.
protocol SignalSink: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    var userId: UUID { get }
    /// The MQTT device of the connection, if it is one.
    var deviceId: UUID? { get }
    /// The API key the connection authenticated with, if any.
    var apiKeyId: UUID? { get }
    /// Called on `eventLoop`.
    func deliver(_ record: LiveRecord)
    /// Access to `strategyId` ended (subscription ended, device deleted, key revoked).
    func accessEnded(strategyId: String)
}

/// This relay instance's live followers, by strategy. Its broker queue is exclusive to the
/// instance and bound only to strategies someone here follows, so each record crosses the
/// broker once per interested instance. A record is then handed to each event loop that has
/// followers of its strategy in one task, which delivers to every one of them there: no actor,
/// no task and no copy per follower (`LiveRecord` is encoded once).
final class RelayHub: Sendable {
    private struct Followers {
        var sinks: [ObjectIdentifier: any SignalSink] = [:]
        /// The sinks grouped by event loop, rebuilt on the first dispatch after a change.
        var byLoop: [(loop: any EventLoop, sinks: [any SignalSink])]?
        /// The highest seq handed to these sinks (or the log head when the first arrived): a log
        /// head beyond it for long is a record the broker did not bring. One mark per instance is
        /// enough: every sink gets every record dispatched after it arrived and reads from the
        /// log whatever it skips (`FollowerSubscription`), so no sink can miss one below the mark.
        var dispatched: Int64?
    }

    private struct State {
        var strategies: [String: Followers] = [:]
        var bound: Set<String> = []
    }

    let broker: AMQPConnection
    /// The instance's exclusive queue on `astrolab.signals`.
    let queueName: String
    let logger: Logger
    let signals: any SignalLog
    private let state = Mutex(State())

    init(broker: AMQPConnection, signals: any SignalLog, logger: Logger) {
        self.broker = broker
        self.signals = signals
        self.logger = logger
        queueName = "signal-relay.feed.\(UUID().uuidString.lowercased())"
    }

    /// Starts delivering `strategyId`'s live records to `sink`. Returns once the instance's queue
    /// is bound, so whatever is committed after this call reaches the sink.
    func add(_ sink: any SignalSink, strategyId: String) async throws {
        let isBound = state.withLock { state in
            state.strategies[strategyId, default: Followers()].sinks[ObjectIdentifier(sink)] = sink
            state.strategies[strategyId]?.byLoop = nil
            return state.bound.contains(strategyId)
        }
        if !isBound {
            // Two first followers at once both bind: the broker treats the second as a no-op.
            try await broker.declare(.exclusiveQueue(queueName, exchange: Topology.signalsExchange, routingKeys: [strategyId]))
            state.withLock { _ = $0.bound.insert(strategyId) }
        }
        if state.withLock({ $0.strategies[strategyId]?.dispatched == nil }) {
            // Read once bound: every record after this head comes live, or the gap filler brings it.
            let head = try await signals.head(of: strategyId).seq
            state.withLock { state in
                guard let dispatched = state.strategies[strategyId].map({ $0.dispatched ?? head }) else { return }
                state.strategies[strategyId]?.dispatched = max(dispatched, head)
            }
        }
    }

    func remove(_ sink: any SignalSink, strategyId: String) {
        state.withLock { state in
            guard state.strategies[strategyId]?.sinks.removeValue(forKey: ObjectIdentifier(sink)) != nil else { return }
            if state.strategies[strategyId]?.sinks.isEmpty == true {
                state.strategies[strategyId] = nil
            } else {
                state.strategies[strategyId]?.byLoop = nil
            }
        }
    }

    /// Hands `record` to every follower of its strategy here, on their event loops. A record
    /// already dispatched goes nowhere.
    func dispatch(_ record: LiveRecord) {
        let groups = state.withLock { state -> [(loop: any EventLoop, sinks: [any SignalSink])] in
            guard var followers = state.strategies[record.strategyId] else { return [] }
            // At or below the mark, every sink has it or reads it from the log (a sink behind
            // reads what it skipped), so a second copy (broker and gap filler, or broker and
            // this instance's own ingest) costs nothing.
            if let dispatched = followers.dispatched, record.seq <= dispatched { return [] }
            followers.dispatched = max(followers.dispatched ?? record.seq, record.seq)
            let groups = followers.byLoop ?? Self.grouped(followers.sinks.values)
            followers.byLoop = groups
            state.strategies[record.strategyId] = followers
            return groups
        }
        for group in groups {
            group.loop.execute {
                for sink in group.sinks { sink.deliver(record) }
            }
        }
    }

    private static func grouped(_ sinks: some Sequence<any SignalSink>) -> [(loop: any EventLoop, sinks: [any SignalSink])] {
        var groups: [ObjectIdentifier: (loop: any EventLoop, sinks: [any SignalSink])] = [:]
        for sink in sinks {
            groups[ObjectIdentifier(sink.eventLoop), default: (sink.eventLoop, [])].sinks.append(sink)
        }
        return Array(groups.values)
    }

    /// The followed strategies and the highest seq dispatched for each (see `LogGapFiller`).
    func dispatchedSeqs() -> [String: Int64] {
        state.withLock { state in state.strategies.compactMapValues(\.dispatched) }
    }

    func endAccess(userId: UUID, strategyId: String) {
        for sink in sinks(of: strategyId) where sink.userId == userId { sink.accessEnded(strategyId: strategyId) }
    }

    func deviceDeleted(_ deviceId: UUID) {
        for (strategyId, sink) in allSinks() where sink.deviceId == deviceId { sink.accessEnded(strategyId: strategyId) }
    }

    func apiKeyRevoked(_ keyId: UUID) {
        for (strategyId, sink) in allSinks() where sink.apiKeyId == keyId { sink.accessEnded(strategyId: strategyId) }
    }

    var followerCount: Int { state.withLock { $0.strategies.values.reduce(0) { $0 + $1.sinks.count } } }

    // Copied out of the lock: ending access closes connections, which remove their sinks.
    private func sinks(of strategyId: String) -> [any SignalSink] {
        state.withLock { Array($0.strategies[strategyId]?.sinks.values ?? [:].values) }
    }

    private func allSinks() -> [(String, any SignalSink)] {
        state.withLock { state in state.strategies.flatMap { strategyId, followers in followers.sinks.values.map { (strategyId, $0) } } }
    }
}
