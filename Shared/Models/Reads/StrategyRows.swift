import Foundation
import OctoBotFormats
import PostgresNIO

/// The one SELECT that reads whole strategies (with author, logo flag and current version), and
/// its decoding: a read, shared by the profiles service's own store (`StrategyStore`) and the
/// read-only views others use (`StrategyDirectory`, `ReviewContext`), so no copy can drift apart.
package enum StrategyRows {
    package static let select = """
        SELECT s.id, s.author_id, u.display_name, s.slug, s.name, s.description, s.kind, s.status, s.rejection_reason,
               s.exchanges, s.pairs, s.trading_mode, s.subscriber_count, s.pending_listing::text AS pending_listing,
               s.created_at, s.updated_at, s.published_at,
               EXISTS (SELECT 1 FROM strategy_logos l WHERE l.strategy_id = s.id AND l.state = 'current') AS has_logo,
               v.number AS v_number, v.status AS v_status, v.sha256 AS v_sha256, v.size_bytes AS v_size_bytes,
               v.summary::text AS v_summary, v.warnings::text AS v_warnings, v.rejection_reason AS v_rejection_reason,
               v.created_at AS v_created_at, v.decided_at AS v_decided_at
        FROM strategies s
        JOIN users u ON u.id = s.author_id
        LEFT JOIN strategy_versions v ON v.strategy_id = s.id AND v.number = s.current_version
        """

    package static func decode(_ row: PostgresRow) throws -> Strategy {
        let columns = row.makeRandomAccess()
        let kindText = try columns["kind"].decode(String.self)
        let statusText = try columns["status"].decode(String.self)
        guard let kind = StrategyKind(rawValue: kindText), let status = StrategyStatus(rawValue: statusText) else {
            throw CorruptRow(description: "strategy row with kind \(kindText) and status \(statusText)")
        }
        let id = try columns["id"].decode(String.self)
        var currentVersion: ProfileVersion?
        if let number = try columns["v_number"].decode(Int?.self) {
            currentVersion = try ProfileVersionRows.decode(
                strategyId: id, number: number,
                status: try columns["v_status"].decode(String.self), sha256: try columns["v_sha256"].decode(String.self),
                sizeBytes: try columns["v_size_bytes"].decode(Int.self), summary: try columns["v_summary"].decode(String.self),
                warnings: try columns["v_warnings"].decode(String.self),
                rejectionReason: try columns["v_rejection_reason"].decode(String?.self),
                createdAt: try columns["v_created_at"].decode(Date.self), decidedAt: try columns["v_decided_at"].decode(Date?.self)
            )
        }
        return Strategy(
            id: id,
            author: .init(id: try columns["author_id"].decode(UUID.self), displayName: try columns["display_name"].decode(String.self)),
            slug: try columns["slug"].decode(String.self),
            name: try columns["name"].decode(String.self),
            description: try columns["description"].decode(String.self),
            kind: kind,
            status: status,
            rejectionReason: try columns["rejection_reason"].decode(String?.self),
            exchanges: try columns["exchanges"].decode([String].self),
            pairs: try columns["pairs"].decode([String].self),
            tradingMode: try columns["trading_mode"].decode(String?.self),
            subscriberCount: try columns["subscriber_count"].decode(Int.self),
            currentVersion: currentVersion,
            hasLogo: try columns["has_logo"].decode(Bool.self),
            pendingListing: try columns["pending_listing"].decode(String?.self).map { try JSONDecoder().decode(ListingChanges.self, from: Data($0.utf8)) },
            createdAt: try columns["created_at"].decode(Date.self),
            updatedAt: try columns["updated_at"].decode(Date.self),
            publishedAt: try columns["published_at"].decode(Date?.self)
        )
    }
}

/// Decoding of `strategy_versions` rows.
package enum ProfileVersionRows {
    package static let select = """
        SELECT strategy_id, number, status, sha256, size_bytes, summary::text, warnings::text, rejection_reason, created_at, decided_at
        FROM strategy_versions
        """

    package static func decode(_ row: PostgresRow) throws -> ProfileVersion {
        let (strategyId, number, status, sha256, sizeBytes, summary, warnings, reason, createdAt, decidedAt) = try row.decode(
            (String, Int, String, String, Int, String, String, String?, Date, Date?).self
        )
        return try decode(
            strategyId: strategyId, number: number, status: status, sha256: sha256, sizeBytes: sizeBytes, summary: summary,
            warnings: warnings, rejectionReason: reason, createdAt: createdAt, decidedAt: decidedAt
        )
    }

    package static func decode(
        strategyId: String, number: Int, status: String, sha256: String, sizeBytes: Int, summary: String, warnings: String,
        rejectionReason: String?, createdAt: Date, decidedAt: Date?
    ) throws -> ProfileVersion {
        guard let status = ProfileVersion.Status(rawValue: status) else {
            throw CorruptRow(description: "version \(strategyId)#\(number) has status \(status)")
        }
        return ProfileVersion(
            strategyId: strategyId, number: number, status: status, sha256: sha256, sizeBytes: sizeBytes,
            summary: try JSONDecoder().decode(ProfileSummary.self, from: Data(summary.utf8)),
            warnings: try JSONDecoder().decode([String].self, from: Data(warnings.utf8)),
            rejectionReason: rejectionReason, createdAt: createdAt, decidedAt: decidedAt
        )
    }
}
