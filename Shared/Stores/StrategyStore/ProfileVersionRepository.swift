import Foundation
import Logging
import Models
import PostgresNIO

/// The `strategy_versions` and `profile_blobs` tables (owned by the profiles service).
public protocol ProfileVersionRepository: Sendable {
    /// Stores an upload as the next version, pending review, and emits
    /// `strategy.version_submitted`. A draft or rejected strategy moves to `pending_review`; a
    /// published one stays published; an older version still waiting is superseded.
    func add(_ upload: ProfileUpload, to strategyId: String, at date: Date) async throws -> ProfileVersion
    /// Every version, newest first.
    func list(strategyId: String) async throws -> [ProfileVersion]
    /// The stored zip of one version.
    func zip(strategyId: String, number: Int) async throws -> [UInt8]?
}

public struct PostgresProfileVersionRepository: ProfileVersionRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func add(_ upload: ProfileUpload, to strategyId: String, at date: Date) async throws -> ProfileVersion {
        let summary = String(decoding: try JSONEncoder().encode(upload.summary), as: UTF8.self)
        let warnings = String(decoding: try JSONEncoder().encode(upload.warnings), as: UTF8.self)
        return try await client.withTransaction(logger: logger) { connection in
            let locked = try await StrategyLock.lockForEdit(id: strategyId, on: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO profile_blobs (sha256, content, size_bytes, created_at)
                VALUES (\(upload.sha256), \(Data(upload.zip)), \(upload.zip.count), \(date))
                ON CONFLICT (sha256) DO NOTHING
                """,
                logger: logger
            )
            try await connection.query(
                "UPDATE strategy_versions SET status = 'superseded', decided_at = \(date) WHERE strategy_id = \(strategyId) AND status = 'pending_review'",
                logger: logger
            )
            let rows = try await connection.query(
                """
                INSERT INTO strategy_versions (strategy_id, number, sha256, size_bytes, summary, warnings, status, created_at)
                SELECT \(strategyId), coalesce(max(number), 0) + 1, \(upload.sha256), \(upload.zip.count), \(summary)::jsonb,
                       \(warnings)::jsonb, 'pending_review', \(date)
                FROM strategy_versions WHERE strategy_id = \(strategyId)
                RETURNING strategy_id, number, status, sha256, size_bytes, summary::text, warnings::text, rejection_reason, created_at, decided_at
                """,
                logger: logger
            )
            var inserted: ProfileVersion?
            for try await row in rows { inserted = try ProfileVersionRows.decode(row) }
            guard let version = inserted else { throw CorruptRow(description: "version insert returned nothing") }
            if locked.status != .published {
                try await connection.query(
                    "UPDATE strategies SET status = 'pending_review', rejection_reason = NULL, updated_at = \(date) WHERE id = \(strategyId)",
                    logger: logger
                )
            }
            try await Outbox.enqueue(
                StrategyVersionSubmitted(strategyId: strategyId, authorId: locked.authorId, version: version.number, sha256: upload.sha256),
                occurredAt: date, on: connection, logger: logger
            )
            return version
        }
    }

    public func list(strategyId: String) async throws -> [ProfileVersion] {
        let rows = try await client.query(
            "\(unescaped: ProfileVersionRows.select) WHERE strategy_id = \(strategyId) ORDER BY number DESC",
            logger: logger
        )
        var versions: [ProfileVersion] = []
        for try await row in rows { versions.append(try ProfileVersionRows.decode(row)) }
        return versions
    }

    public func zip(strategyId: String, number: Int) async throws -> [UInt8]? {
        let rows = try await client.query(
            """
            SELECT b.content FROM strategy_versions v JOIN profile_blobs b ON b.sha256 = v.sha256
            WHERE v.strategy_id = \(strategyId) AND v.number = \(number)
            """,
            logger: logger
        )
        for try await content in rows.decode(Data.self) { return Array(content) }
        return nil
    }
}
