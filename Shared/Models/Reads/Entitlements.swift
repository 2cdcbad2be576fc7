import Foundation
import Logging
import PostgresNIO

/// The one rule for "may this user follow or download this strategy now?": its author, an
/// admin, or a subscriber whose subscription is active and not past its end. Downloads and every
/// signal path ask here, so the rule lives in one place.
public enum Entitlements {
    /// Whether `userId` may follow `strategyId` now, and until when (an admin, the author or an
    /// open-ended subscription: nil, for as long as it lasts).
    public enum Access: Sendable, Equatable {
        case denied
        case allowed(until: Date?)
    }

    public static func access(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date, client: PostgresClient, logger: Logger) async throws -> Access {
        if isAdmin { return .allowed(until: nil) }
        let rows = try await client.query(
            """
            SELECT NULL::timestamptz FROM strategies WHERE id = \(strategyId) AND author_id = \(userId)
            UNION ALL
            SELECT ends_at FROM subscriptions
            WHERE user_id = \(userId) AND strategy_id = \(strategyId) AND status = 'active' AND (ends_at IS NULL OR ends_at > \(now))
            """,
            logger: logger
        )
        var allowed = false
        var until: Date?
        var unlimited = false
        for try await endsAt in rows.decode(Date?.self) {
            allowed = true
            if let endsAt { until = max(until ?? endsAt, endsAt) } else { unlimited = true }
        }
        guard allowed else { return .denied }
        return .allowed(until: unlimited ? nil : until)
    }

    public static func mayFollow(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date, client: PostgresClient, logger: Logger) async throws -> Bool {
        try await access(userId: userId, isAdmin: isAdmin, strategyId: strategyId, at: now, client: client, logger: logger) != .denied
    }
}

/// What a download token opens: the strategy as downloads need it, read in the same query.
public struct DownloadTarget: Sendable {
    public let subscriptionId: UUID
    public let strategyId: String
    public let slug: String
    public let kind: StrategyKind
    public let name: String
    public let description: String
    public let exchanges: [String]
    public let pairs: [String]
    public let updatedAt: Date
    /// The approved version a profile strategy serves, and its content address.
    public let currentVersion: (number: Int, sha256: String)?
}

/// Reads download grants (owned by the subscriptions service) for the profiles service's `/d/`.
public enum DownloadGrants {
    /// What a presented token opens now, or nil. Unknown, revoked and expired tokens go through
    /// the same single indexed query, so their answers take the same work. A strategy that is
    /// no longer public still serves its subscribers until their subscriptions end.
    public static func resolve(token: String, at now: Date, client: PostgresClient, logger: Logger) async throws -> DownloadTarget? {
        let rows = try await client.query(
            """
            SELECT s.id, st.id, st.slug, st.kind, st.name, st.description, st.exchanges, st.pairs, st.updated_at, v.number, v.sha256
            FROM download_grants g
            JOIN subscriptions s ON s.id = g.subscription_id
            JOIN strategies st ON st.id = s.strategy_id
            LEFT JOIN strategy_versions v ON v.strategy_id = st.id AND v.number = st.current_version
            WHERE g.token_hash = \(DownloadTokenIssuer.hash(token)) AND g.revoked_at IS NULL
              AND s.status = 'active' AND (s.ends_at IS NULL OR s.ends_at > \(now))
            """,
            logger: logger
        )
        for try await (subscriptionId, strategyId, slug, kind, name, description, exchanges, pairs, updatedAt, number, sha256) in rows.decode(
            (UUID, String, String, String, String, String, [String], [String], Date, Int?, String?).self
        ) {
            guard let kind = StrategyKind(rawValue: kind) else { return nil }
            return DownloadTarget(
                subscriptionId: subscriptionId, strategyId: strategyId, slug: slug, kind: kind, name: name, description: description,
                exchanges: exchanges, pairs: pairs, updatedAt: updatedAt,
                currentVersion: number.flatMap { number in sha256.map { (number, $0) } }
            )
        }
        return nil
    }
}
