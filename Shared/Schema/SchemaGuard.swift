import Logging
import PostgresNIO

/// Checked by every service before it serves: running new code on an old schema fails in
/// confusing ways much later, so refuse at once with a message that says what to do.
public struct SchemaGuard: Sendable {
    public struct Outdated: Error, CustomStringConvertible {
        public let databaseVersion: Int
        public let requiredVersion: Int

        public var description: String {
            "database schema is at version \(databaseVersion) but this build needs \(requiredVersion): run `astrolab-admin migrate` first"
        }
    }

    let requiredVersion: Int

    public init(requiredVersion: Int = Schema.latestVersion) {
        self.requiredVersion = requiredVersion
    }

    public func requireCurrent(_ client: PostgresClient, logger: Logger) async throws {
        let version = try await currentVersion(client, logger: logger)
        guard version >= requiredVersion else {
            throw Outdated(databaseVersion: version, requiredVersion: requiredVersion)
        }
    }

    /// The highest applied migration, or 0 for a database that was never migrated.
    public func currentVersion(_ client: PostgresClient, logger: Logger) async throws -> Int {
        // Two queries: a single one naming schema_migrations would fail to parse when it is missing.
        let exists = try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present {
            return 0
        }
        let rows = try await client.query("SELECT coalesce(max(version), 0) FROM schema_migrations", logger: logger)
        for try await version in rows.decode(Int.self) {
            return version
        }
        return 0
    }
}
