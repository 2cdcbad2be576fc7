import Foundation
import Logging
import PostgresNIO

/// The `inbox` table: which messages each consumer has applied. Claiming happens in the
/// transaction of the consumer's effect, so a redelivered message finds its claim and does
/// nothing, and a failed effect rolls its claim back so the retry can apply it.
public enum Inbox {
    /// True when `messageId` is new for `consumer` (now claimed); false for a duplicate.
    public static func claim(consumer: String, messageId: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO inbox (consumer, message_id) VALUES (\(consumer), \(messageId))
            ON CONFLICT DO NOTHING RETURNING 1
            """,
            logger: logger
        )
        return try await rows.containsRows()
    }

    /// Forgets claims older than `date`: long after any redelivery could arrive.
    @discardableResult
    public static func prune(before date: Date, client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await client.query(
            "WITH pruned AS (DELETE FROM inbox WHERE processed_at < \(date) RETURNING 1) SELECT count(*)::int FROM pruned",
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
