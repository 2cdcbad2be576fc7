import Foundation
import Logging
import Messaging
import Models

/// Something that receives a strategy's live records: one follower connection's subscription.
/// `deliver` must never block: a sink buffers (bounded) and disconnects itself when full.
protocol SignalSink: AnyObject, Sendable {
    var userId: UUID { get }
    /// The MQTT device of the connection, if it is one.
    var deviceId: UUID? { get }
    /// The API key the connection authenticated with, if any.
    var apiKeyId: UUID? { get }
    func deliver(_ record: LiveRecord)
    /// The strategy's log reached `seq` a while ago: whatever the sink has not sent up to it, the
    /// broker did not bring (see `LogGapFiller`).
    func logReached(_ seq: Int64)
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
    private var sinks: [String: [ObjectIdentifier: any SignalSink]] = [:]
    private var bound: Set<String> = []

    init(broker: AMQPConnection, logger: Logger) {
        self.broker = broker
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
    }

    func remove(_ sink: any SignalSink, strategyId: String) {
        sinks[strategyId]?[ObjectIdentifier(sink)] = nil
        if sinks[strategyId]?.isEmpty == true {
            sinks[strategyId] = nil
        }
    }

    func dispatch(_ record: LiveRecord) {
        for sink in sinks[record.strategyId]?.values ?? [:].values {
            sink.deliver(record)
        }
    }

    /// The strategies someone here follows.
    var followedStrategies: [String] { Array(sinks.keys) }

    /// Tells every sink of `strategyId` that its log reached `seq` (see `LogGapFiller`).
    func logReached(_ seq: Int64, of strategyId: String) {
        for sink in sinks[strategyId]?.values ?? [:].values {
            sink.logReached(seq)
        }
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
