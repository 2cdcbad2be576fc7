import Foundation
import Logging
import PostgresNIO

/// A message waiting in the outbox for the relay to publish.
public struct OutboxMessage: Sendable, Equatable {
    public let messageId: String
    public let exchange: String
    public let routingKey: String
    public let type: String?
    public let body: [UInt8]

    public init(messageId: String, exchange: String, routingKey: String, type: String?, body: [UInt8]) {
        self.messageId = messageId
        self.exchange = exchange
        self.routingKey = routingKey
        self.type = type
        self.body = body
    }

    /// A domain event for the events exchange.
    public init<Event: DomainEvent>(_ event: Event, id: UUID = UUID(), occurredAt: Date) throws {
        let envelope = try EventEnvelope(event, id: id, occurredAt: occurredAt)
        self.init(
            messageId: id.uuidString.lowercased(), exchange: ExchangeNames.events, routingKey: Event.type,
            type: Event.type, body: envelope.bytes
        )
    }
}

/// The `outbox` table. A service never publishes inside a request: it writes the event here in
/// the transaction of its change, and `OutboxRelay` publishes it after commit. So an event exists
/// exactly when its change does, and is published at least once.
public enum Outbox {
    /// Adds `message` in the caller's transaction (pass the transaction's connection).
    public static func enqueue(_ message: OutboxMessage, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO outbox (message_id, exchange, routing_key, type, body)
            VALUES (\(message.messageId), \(message.exchange), \(message.routingKey), \(message.type), \(Data(message.body)))
            """,
            logger: logger
        )
    }

    /// Adds a domain event in the caller's transaction.
    public static func enqueue<Event: DomainEvent>(
        _ event: Event, occurredAt: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await enqueue(OutboxMessage(event, occurredAt: occurredAt), on: connection, logger: logger)
    }

    /// Runs `change` (an `UPDATE … RETURNING`) and, when it changed a row, queues `event` in the
    /// same transaction, so the event goes out exactly when the change commits and a repeat that
    /// changes nothing announces nothing. True when a row changed.
    public static func change<Event: DomainEvent>(
        _ change: PostgresQuery, announcing event: Event, occurredAt: Date, client: PostgresClient, logger: Logger
    ) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            guard try await connection.query(change, logger: logger).containsRows() else { return false }
            try await enqueue(event, occurredAt: occurredAt, on: connection, logger: logger)
            return true
        }
    }

    /// Locks up to `limit` unsent rows, oldest first, skipping rows another relay holds, so any
    /// number of relays share the work without publishing the same row at the same time.
    public static func claimUnsent(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [(id: Int64, message: OutboxMessage)] {
        let rows = try await connection.query(
            """
            SELECT id, message_id, exchange, routing_key, type, body FROM outbox
            WHERE sent_at IS NULL ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """,
            logger: logger
        )
        var claimed: [(Int64, OutboxMessage)] = []
        for try await (id, messageId, exchange, routingKey, type, body) in rows.decode((Int64, String, String, String, String?, Data).self) {
            claimed.append((id, OutboxMessage(messageId: messageId, exchange: exchange, routingKey: routingKey, type: type, body: Array(body))))
        }
        return claimed
    }

    public static func markSent(ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("UPDATE outbox SET sent_at = now() WHERE id = ANY(\(ids))", logger: logger)
    }

    /// Deletes rows published before `date`; returns how many.
    @discardableResult
    public static func pruneSent(before date: Date, client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            "WITH pruned AS (DELETE FROM outbox WHERE sent_at < \(date) RETURNING 1) SELECT count(*)::int FROM pruned",
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
