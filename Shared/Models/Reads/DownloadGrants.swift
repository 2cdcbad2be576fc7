import Foundation
import Logging
import PostgresNIO

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
public protocol DownloadGrants: Sendable {
    /// What a presented token opens now, or nil. A strategy that is no longer public still
    /// serves its subscribers until their subscriptions end.
    func resolve(token: String, at now: Date) async throws -> DownloadTarget?
}

public struct PostgresDownloadGrants: DownloadGrants {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Unknown, revoked and expired tokens go through the same single indexed query, so their
    /// answers take the same work.
    public func resolve(token: String, at now: Date) async throws -> DownloadTarget? {
        let rows = try await client.query(
            """
            SELECT s.id, st.id, st.slug, st.kind, st.name, st.description, st.exchanges, st.pairs, st.updated_at, v.number, v.sha256
            FROM download_grants g
            JOIN subscriptions s ON s.id = g.subscription_id
            JOIN strategies st ON st.id = s.strategy_id
            LEFT JOIN strategy_versions v ON v.strategy_id = st.id AND v.number = st.current_version
            WHERE g.token_hash = \(DownloadTokenIssuer.hash(token)) AND g.revoked_at IS NULL
              AND \(liveSubscription: "s", at: now)
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
