import Foundation
import Logging
import Models
import PostgresNIO

/// Applies moderation outcomes (decisions, take-downs) and subscriber counts to strategies, inside the consumer's
/// transaction (the inbox claim and these writes commit together). Each step checks the state it
/// expects, so an outcome that no longer applies (a superseded version, a second delivery under
/// a new message id) changes nothing.
public enum StrategyReviews {
    /// A case was approved: the version becomes current (or the listing is accepted), pending
    /// edits and logo go live, and the strategy is published. Emits `strategy.published`.
    public static func approve(_ event: ModerationCaseApproved, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let locked = try await StrategyLock.lock(id: event.strategyId, on: connection, logger: logger) else {
            logger.warning("approval for an unknown strategy ignored", metadata: ["strategy": "\(event.strategyId)"])
            return
        }
        // A take-down is final: a decision delivered after it changes nothing.
        guard locked.status != .takenDown else { return }
        switch event.subject {
        case .version:
            guard let number = event.version,
                try await decideVersion(locked.id, number: number, status: .approved, reason: nil, at: date, on: connection, logger: logger)
            else { return }
            if number > (locked.currentVersion ?? 0) {
                try await connection.query(
                    """
                    UPDATE strategies s SET current_version = v.number,
                        exchanges = ARRAY(SELECT jsonb_array_elements_text(v.summary -> 'exchanges')),
                        pairs = ARRAY(SELECT jsonb_array_elements_text(v.summary -> 'pairs')),
                        trading_mode = v.summary ->> 'tradingMode'
                    FROM strategy_versions v
                    WHERE s.id = \(locked.id) AND v.strategy_id = s.id AND v.number = \(number)
                    """,
                    logger: logger
                )
            }
        case .listing:
            let hasPendingLogo = try await StrategyLock.hasPendingLogo(id: locked.id, on: connection, logger: logger)
            guard locked.status == .pendingReview || locked.pendingListing?.isReviewable == true || hasPendingLogo else { return }
        }
        if let pending = locked.pendingListing, pending.rejectionReason == nil {
            try await StrategyLock.apply(pending, to: locked, at: date, on: connection, logger: logger)
        } else if locked.pendingListing != nil {
            // Edits rejected earlier never go live with a later approval.
            try await connection.query("UPDATE strategies SET pending_listing = NULL WHERE id = \(locked.id)", logger: logger)
        }
        try await promotePendingLogo(locked.id, on: connection, logger: logger)
        try await connection.query(
            """
            UPDATE strategies SET status = 'published', rejection_reason = NULL,
                published_at = coalesce(published_at, \(date)), updated_at = \(date)
            WHERE id = \(locked.id)
            """,
            logger: logger
        )
        try await Outbox.enqueue(StrategyPublished(strategyId: locked.id, version: event.version), occurredAt: date, on: connection, logger: logger)
    }

    /// A case was rejected. The version (if any) is rejected with the reason; a strategy waiting
    /// for its first publication becomes `rejected` with the reason, a published one keeps
    /// serving what was approved. Its pending edits stay with the reason, so the author sees why
    /// and revises them (the next edit clears the reason); a pending logo is dropped.
    public static func reject(_ event: ModerationCaseRejected, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let locked = try await StrategyLock.lock(id: event.strategyId, on: connection, logger: logger) else {
            logger.warning("rejection for an unknown strategy ignored", metadata: ["strategy": "\(event.strategyId)"])
            return
        }
        guard locked.status != .takenDown else { return }
        if event.subject == .version {
            guard let number = event.version,
                try await decideVersion(locked.id, number: number, status: .rejected, reason: event.reason, at: date, on: connection, logger: logger)
            else { return }
        }
        try await connection.query(
            "DELETE FROM strategy_logos WHERE strategy_id = \(locked.id) AND state = 'pending'", logger: logger
        )
        if locked.status == .pendingReview {
            try await connection.query(
                """
                UPDATE strategies SET status = CASE WHEN published_at IS NULL THEN 'rejected' ELSE 'published' END,
                    rejection_reason = CASE WHEN published_at IS NULL THEN \(event.reason) END,
                    pending_listing = NULL, updated_at = \(date)
                WHERE id = \(locked.id)
                """,
                logger: logger
            )
        } else {
            try await connection.query(
                """
                UPDATE strategies SET pending_listing = pending_listing || jsonb_build_object('rejectionReason', \(event.reason)::text),
                    updated_at = \(date)
                WHERE id = \(locked.id) AND pending_listing IS NOT NULL
                """,
                logger: logger
            )
        }
    }

    /// A moderator took the strategy down: it becomes `taken_down` with the reason (its author
    /// reads it), leaves the catalog, and whatever waited for review is dropped. Emits
    /// `strategy.taken_down`, on which subscriptions end its subscriptions.
    public static func takeDown(_ event: ModerationStrategyTakenDown, at date: Date, on connection: PostgresConnection, logger: Logger) async throws {
        guard let locked = try await StrategyLock.lock(id: event.strategyId, on: connection, logger: logger), locked.status != .takenDown else { return }
        try await connection.query(
            """
            UPDATE strategies SET status = 'taken_down', rejection_reason = \(event.reason), pending_listing = NULL, updated_at = \(date)
            WHERE id = \(locked.id)
            """,
            logger: logger
        )
        try await connection.query(
            """
            UPDATE strategy_versions SET status = 'superseded', decided_at = \(date)
            WHERE strategy_id = \(locked.id) AND status = 'pending_review'
            """,
            logger: logger
        )
        try await connection.query(
            "DELETE FROM strategy_logos WHERE strategy_id = \(locked.id) AND state = 'pending'", logger: logger
        )
        try await Outbox.enqueue(StrategyTakenDown(strategyId: locked.id, reason: event.reason), occurredAt: date, on: connection, logger: logger)
    }

    /// Adds `delta` (±1) to a strategy's subscriber count, never below zero.
    public static func adjustSubscriberCount(strategyId: String, by delta: Int, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE strategies SET subscriber_count = greatest(subscriber_count + \(delta), 0) WHERE id = \(strategyId)",
            logger: logger
        )
    }

    /// Moves a version waiting for review to `status`; false when it is not waiting (any more).
    private static func decideVersion(
        _ strategyId: String, number: Int, status: ProfileVersion.Status, reason: String?, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.query(
            """
            UPDATE strategy_versions SET status = \(status.rawValue), rejection_reason = \(reason), decided_at = \(date)
            WHERE strategy_id = \(strategyId) AND number = \(number) AND status = 'pending_review'
            RETURNING number
            """,
            logger: logger
        ).containsRows()
    }

    private static func promotePendingLogo(_ strategyId: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard try await StrategyLock.hasPendingLogo(id: strategyId, on: connection, logger: logger) else { return }
        try await connection.query("DELETE FROM strategy_logos WHERE strategy_id = \(strategyId) AND state = 'current'", logger: logger)
        try await connection.query(
            "UPDATE strategy_logos SET state = 'current' WHERE strategy_id = \(strategyId) AND state = 'pending'", logger: logger
        )
    }
}
