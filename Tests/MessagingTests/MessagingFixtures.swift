import EventBus
import Foundation
import Logging
import Messaging
import Models
import PostgresNIO
import TestSupport

/// The event the messaging tests send around.
struct TestPing: DomainEvent {
    static let type = "test.ping"
    let n: Int
}

enum MessagingFixtures {
    static let logger: Logger = {
        var logger = Logger(label: "messaging-test")
        logger.logLevel = .error
        return logger
    }()

    static func configuration(_ broker: TestBroker = .shared, heartbeat: Duration = .seconds(10)) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: try broker.url())
        configuration.heartbeat = heartbeat
        configuration.reconnectBackoff = .milliseconds(50)...(.milliseconds(500))
        configuration.publishTimeout = .seconds(5)
        return configuration
    }

    /// An outbox row for `TestPing(n)` routed with `routingKey` (so only this test's queue gets it).
    static func outboxPing(_ n: Int, routingKey: String) throws -> OutboxMessage {
        let id = UUID()
        let envelope = try EventEnvelope(TestPing(n: n), id: id, occurredAt: Date())
        return OutboxMessage(
            messageId: id.uuidString.lowercased(), exchange: ExchangeNames.events, routingKey: routingKey,
            type: TestPing.type, body: envelope.bytes
        )
    }

    static func ping(_ n: Int, routingKey: String) throws -> OutgoingMessage {
        let message = try outboxPing(n, routingKey: routingKey)
        return OutgoingMessage(
            exchange: message.exchange, routingKey: message.routingKey, body: message.body, messageId: message.messageId,
            type: message.type
        )
    }

    /// The table the test consumers' effect writes to: one row per application, duplicates included.
    static func createEffects(_ database: TestDatabase) async throws {
        try await database.withClient { client in
            try await client.query("CREATE TABLE effects (message_id text NOT NULL, n int NOT NULL)", logger: logger)
        }
    }

    /// The inbox-protected effect: records that `n` was applied.
    static let recordEffect: EventConsumer.Handler = { envelope, connection in
        let ping = try envelope.payload(as: TestPing.self)
        try await connection.query(
            "INSERT INTO effects (message_id, n) VALUES (\(envelope.id.uuidString.lowercased()), \(ping.n))", logger: logger
        )
    }
}
