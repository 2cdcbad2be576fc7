import Logging
import PostgresNIO

/// The `schema_migrations` table: which migrations a database has, and their checksums.
enum SchemaHistory {
    static let createTable: PostgresQuery = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static func applied(on connection: PostgresConnection, logger: Logger) async throws -> [Int: String] {
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: logger)
        var history: [Int: String] = [:]
        for try await (version, checksum) in rows.decode((Int, String).self) {
            history[version] = checksum
        }
        return history
    }

    static func record(_ migration: Migration, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO schema_migrations (version, name, checksum)
            VALUES (\(migration.version), \(migration.name), \(migration.checksum))
            """,
            logger: logger
        )
    }
}
