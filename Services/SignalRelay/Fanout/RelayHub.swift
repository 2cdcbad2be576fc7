import Foundation
import Logging
import Messaging
import Models
import PostgresNIO

/// Something that receives a strategy's live records: one follower connection's subscription.
/// `deliver` must never block: a sink buffers (bounded) and disconnects itself when full.
protocol SignalSink: AnyObject, Sendable {
    var userId: UUID { get }
    /// The MQTT device of the connection, if it is one.
    var deviceId: UUID? { get }
    /// The API key the connection authenticated with, if any.
    var apiKeyId: UUID? { get }
    func deliver(_ record: LiveRecord)
    /// Access to `strategyId` ended (subscription ended, device deleted, key revoked).
    func accessEnded(strategyId: String)
}

/// This relay instance's live followers, by strategy. Its broker queue is exclusive to the
/// instance and bound only to strategies someone here follows, so each record crosses the
/// broker once per interested instance and is handed to each interested sink once.
actor RelayHub {
    let broker: AMQPConnection
    /// The instance's exclusive queue on `astrolab.signals`.
    nonisolated let queueName: String
    let logger: Logger
    let database: PostgresClient
    private var sinks: [String: [ObjectIdentifier: any SignalSink]] = [:]
    private var bound: Set<String> = []
    /// Per followed strategy, the highest seq handed to its sinks (or the log head when its first
    /// sink arrived): a log head beyond it for long is a record the broker did not bring. One
    /// mark per instance is enough: every sink gets every record dispatched after it arrived, in
    /// order, and reads from the log whatever it skips (`FollowerSubscription`), so no sink can
    /// miss a record below the mark.
    private var dispatched: [String: Int64] = [:]

    init(broker: AMQPConnection, database: PostgresClient, logger: Logger) {
        self.broker = broker
        self.database = database
        self.logger = logger
        queueName = "signal-relay.feed.\(UUID().uuidString.lowercased())"
    }

    /// Starts delivering `strategyId`'s live records to `sink`. Returns once the instance's queue
    /// is bound, so whatever is committed after this call reaches the sink.
    func add(_ sink: any SignalSink, strategyId: String) async throws {
        sinks[strategyId, default: [:]][ObjectIdentifier(sink)] = sink
        if !bound.contains(strategyId) {
            try await broker.declare(.exclusiveQueue(queueName, exchange: Topology.signalsExchange, routingKeys: [strategyId]))
            bound.insert(strategyId)
        }
        if dispatched[strategyId] == nil {
            // Read once bound: every record after this head comes live, or the gap filler brings it.
            let head = try await SignalLog.head(of: strategyId, client: database, logger: logger).seq
            dispatched[strategyId] = max(dispatched[strategyId] ?? head, head)
        }
    }

    func remove(_ sink: any SignalSink, strategyId: String) {
        sinks[strategyId]?[ObjectIdentifier(sink)] = nil
        if sinks[strategyId]?.isEmpty == true {
            sinks[strategyId] = nil
            dispatched[strategyId] = nil
        }
    }

    func dispatch(_ record: LiveRecord) {
        guard let group = sinks[record.strategyId] else { return }
        dispatched[record.strategyId] = max(dispatched[record.strategyId] ?? record.seq, record.seq)
        for sink in group.values {
            sink.deliver(record)
        }
    }

    /// The followed strategies and the highest seq dispatched for each (see `LogGapFiller`).
    func dispatchedSeqs() -> [String: Int64] {
        dispatched.filter { sinks[$0.key] != nil }
    }

    func endAccess(userId: UUID, strategyId: String) {
        for sink in sinks[strategyId]?.values ?? [:].values where sink.userId == userId {
            sink.accessEnded(strategyId: strategyId)
        }
    }

    func deviceDeleted(_ deviceId: UUID) {
        for (strategyId, group) in sinks {
            for sink in group.values where sink.deviceId == deviceId { sink.accessEnded(strategyId: strategyId) }
        }
    }

    func apiKeyRevoked(_ keyId: UUID) {
        for (strategyId, group) in sinks {
            for sink in group.values where sink.apiKeyId == keyId { sink.accessEnded(strategyId: strategyId) }
        }
    }

    var followerCount: Int { sinks.values.reduce(0) { $0 + $1.count } }
}
