import Logging
import PostgresNIO

/// Applies the schema history. Safe to run from several processes at once: every run takes the
/// same PostgreSQL advisory lock, so one applies and the others find nothing left to do.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: identifies "the Astrolab migration lock" among advisory locks.
    static let advisoryLockKey: Int64 = 0x4153_5452_4F4C_4142

    public enum Failure: Error, CustomStringConvertible {
        case historyDiverged(version: Int, name: String)
        case unknownVersion(Int)

        public var description: String {
            switch self {
            case .historyDiverged(let version, let name):
                "migration \(version) (\(name)) was changed after it was applied; migrations are immutable, add a new one instead"
            case .unknownVersion(let version):
                "the database has migration \(version), which this build does not know: run a newer release"
            }
        }
    }

    let migrations: [Migration]
    let logger: Logger

    public init(migrations: [Migration] = Schema.migrations, logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every pending migration and returns the versions it applied.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await self.applyPending(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                // The lock is session-scoped: release it so a pooled connection does not keep it.
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query(SchemaHistory.createTable, logger: logger)
        let history = try await SchemaHistory.applied(on: connection, logger: logger)
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in history {
            guard let migration = known[version] else { throw Failure.unknownVersion(version) }
            guard migration.checksum == checksum else {
                throw Failure.historyDiverged(version: version, name: migration.name)
            }
        }
        var appliedNow: [Int] = []
        for migration in migrations where history[migration.version] == nil {
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in migration.statements {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await SchemaHistory.record(migration, on: transaction, logger: logger)
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}
