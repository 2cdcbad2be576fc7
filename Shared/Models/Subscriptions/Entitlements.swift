import Foundation
import Logging
import PostgresNIO

/// The one rule for "may this user follow or download this strategy now?": its author, an
/// admin, or a subscriber whose subscription is active and not past its end. Downloads and every
/// signal path ask here, so the rule lives in one place.
public enum Entitlements {
    public static func mayFollow(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date, client: PostgresClient, logger: Logger) async throws -> Bool {
        if isAdmin { return true }
        return try await client.query(
            """
            SELECT 1 FROM strategies WHERE id = \(strategyId) AND author_id = \(userId)
            UNION ALL
            SELECT 1 FROM subscriptions
            WHERE user_id = \(userId) AND strategy_id = \(strategyId) AND status = 'active' AND (ends_at IS NULL OR ends_at > \(now))
            LIMIT 1
            """,
            logger: logger
        ).containsRows()
    }
}

/// What a download token opens.
public struct DownloadTarget: Sendable, Equatable {
    public let strategyId: String
    public let slug: String
    public let subscriptionId: UUID
}

/// Reads download grants (owned by the subscriptions service) for the profiles service's `/d/`.
public enum DownloadGrants {
    /// The strategy a presented token opens now, or nil. Unknown, revoked and expired tokens go
    /// through the same single indexed query, so their answers take the same work.
    public static func resolve(token: String, at now: Date, client: PostgresClient, logger: Logger) async throws -> DownloadTarget? {
        let rows = try await client.query(
            """
            SELECT s.strategy_id, st.slug, s.id
            FROM download_grants g
            JOIN subscriptions s ON s.id = g.subscription_id
            JOIN strategies st ON st.id = s.strategy_id
            WHERE g.token_hash = \(DownloadTokenIssuer.hash(token)) AND g.revoked_at IS NULL
              AND s.status = 'active' AND (s.ends_at IS NULL OR s.ends_at > \(now))
            """,
            logger: logger
        )
        for try await (strategyId, slug, subscriptionId) in rows.decode((String, String, UUID).self) {
            return DownloadTarget(strategyId: strategyId, slug: slug, subscriptionId: subscriptionId)
        }
        return nil
    }
}
