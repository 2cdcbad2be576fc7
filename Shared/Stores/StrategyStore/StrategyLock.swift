import Foundation
import Logging
import Models
import PostgresNIO

/// A strategy row locked `FOR UPDATE` inside a transaction, and the writes made under that lock.
/// Locking the row serialises everything that changes one strategy (uploads, edits, reviews).
struct StrategyLock {
    let id: String
    let authorId: UUID
    let kind: StrategyKind
    let status: StrategyStatus
    let exchanges: [String]
    let pairs: [String]
    let currentVersion: Int?
    let pendingListing: ListingChanges?
    let neverPublished: Bool

    static func lock(id: String, on connection: PostgresConnection, logger: Logger) async throws -> StrategyLock? {
        let rows = try await connection.query(
            """
            SELECT author_id, kind, status, exchanges, pairs, current_version, pending_listing::text, published_at IS NULL
            FROM strategies WHERE id = \(id) FOR UPDATE
            """,
            logger: logger
        )
        for try await (authorId, kind, status, exchanges, pairs, currentVersion, pending, neverPublished) in rows.decode(
            (UUID, String, String, [String], [String], Int?, String?, Bool).self
        ) {
            guard let kind = StrategyKind(rawValue: kind), let status = StrategyStatus(rawValue: status) else {
                throw CorruptRow(description: "strategy \(id) has kind \(kind) and status \(status)")
            }
            return StrategyLock(
                id: id, authorId: authorId, kind: kind, status: status, exchanges: exchanges, pairs: pairs,
                currentVersion: currentVersion,
                pendingListing: try pending.map { try JSONDecoder().decode(ListingChanges.self, from: Data($0.utf8)) },
                neverPublished: neverPublished
            )
        }
        return nil
    }

    /// The row locked for a change its author makes (edit, upload, logo, submission): a
    /// strategy taken down meanwhile refuses it, whatever the caller checked before.
    static func lockForEdit(id: String, on connection: PostgresConnection, logger: Logger) async throws -> StrategyLock {
        guard let locked = try await lock(id: id, on: connection, logger: logger) else { throw StrategyNotFound(id: id) }
        guard locked.status != .takenDown else { throw StrategyFrozen() }
        return locked
    }

    /// Writes listing changes to the row. The slug follows the name until the first publication,
    /// then stays: download URLs end with it and bots de-duplicate imports by URL.
    static func apply(_ changes: ListingChanges, to locked: StrategyLock, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let newSlug = changes.name.flatMap { locked.neverPublished ? Slug.make(from: $0) : nil }
        // Profile strategies take exchanges and pairs from their approved profile, never from edits.
        let exchanges = locked.kind == .signals ? changes.exchange.map { [$0] } : nil
        let pairs = locked.kind == .signals ? changes.pairs : nil
        try await connection.query(
            """
            UPDATE strategies SET
                name = coalesce(\(changes.name), name),
                slug = coalesce(\(newSlug), slug),
                description = coalesce(\(changes.description), description),
                exchanges = coalesce(\(exchanges)::text[], exchanges),
                pairs = coalesce(\(pairs)::text[], pairs),
                pending_listing = NULL,
                updated_at = \(date)
            WHERE id = \(locked.id)
            """,
            logger: logger
        )
    }

    static func hasPendingLogo(id: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query(
            "SELECT 1 FROM strategy_logos WHERE strategy_id = \(id) AND state = 'pending'", logger: logger
        ).containsRows()
    }

    static func json(_ changes: ListingChanges) throws -> String {
        String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
    }
}
