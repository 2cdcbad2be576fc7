import Foundation
import Logging
import Models
import PostgresNIO

/// A moderation event as the live stream sends it: its place in the log and the envelope
/// exactly as it went to the broker.
public struct LoggedModerationEvent: Sendable, Equatable {
    public let seq: Int64
    public let type: String
    public let body: String
}

/// The `moderation_events` table: every moderation event, numbered in commit order, so the
/// admins' stream can resume after any number without gap or repeat, on any replica.
public enum ModerationEventLog {
    /// Emits `event`: into the outbox (for the broker) and into this log (for the stream), with
    /// the same id, in the caller's transaction.
    public static func emit<Event: DomainEvent>(_ event: Event, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let id = UUID()
        let message = try OutboxMessage(event, id: id, occurredAt: date)
        try await Outbox.enqueue(message, on: connection, logger: logger)
        // One writer at a time until commit: numbers are handed out in the order they become visible.
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        try await connection.query(
            """
            INSERT INTO moderation_events (event_id, type, body, occurred_at)
            VALUES (\(id), \(Event.type), \(String(decoding: message.body, as: UTF8.self)), \(date))
            """,
            logger: logger
        )
    }

    /// Events after `seq`, oldest first.
    public static func events(after seq: Int64, limit: Int, client: PostgresClient, logger: Logger) async throws -> [LoggedModerationEvent] {
        let rows = try await client.query(
            "SELECT seq, type, body FROM moderation_events WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)", logger: logger
        )
        var events: [LoggedModerationEvent] = []
        for try await (seq, type, body) in rows.decode((Int64, String, String).self) {
            events.append(LoggedModerationEvent(seq: seq, type: type, body: body))
        }
        return events
    }

    /// The newest sequence number (0 when empty): where a stream without `Last-Event-ID` starts.
    public static func latestSeq(client: PostgresClient, logger: Logger) async throws -> Int64 {
        for try await seq in try await client.query("SELECT coalesce(max(seq), 0) FROM moderation_events", logger: logger).decode(Int64.self) {
            return seq
        }
        return 0
    }

    /// The advisory lock that orders writers; any constant no other lock uses ("modlog").
    static let lockKey: Int64 = 0x6d6f_646c_6f67
}
