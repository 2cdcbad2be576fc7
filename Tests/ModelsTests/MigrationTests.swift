import Foundation
import Logging
import Models
import PostgresNIO
import Schema
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    let logger = TestDatabase.logger

    @Test("two concurrent migrate runs end with one applied history")
    func concurrentRuns() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let configuration = try database.configuration
        let logger = self.logger
        // Separate clients, as two processes starting at once would have.
        async let first = withPostgresClient(configuration, logger: logger) { try await Migrator(logger: logger).migrate($0) }
        async let second = withPostgresClient(configuration, logger: logger) { try await Migrator(logger: logger).migrate($0) }
        let (a, b) = try await (first, second)

        let all = Schema.migrations.map(\.version)
        #expect((a + b).sorted() == all, "each migration applied by exactly one run")
        #expect(Set(a).isDisjoint(with: b))
        #expect(try await database.count("SELECT count(*)::int FROM schema_migrations") == all.count)
        #expect(try await database.count("SELECT count(DISTINCT version)::int FROM schema_migrations") == all.count)
    }

    @Test("running migrate again applies nothing")
    func idempotent() async throws {
        let database = try await TestDatabase.create()
        let again = try await database.withClient { try await Migrator(logger: logger).migrate($0) }
        #expect(again.isEmpty)
    }

    @Test("a migration edited after release is refused, not re-run")
    func immutability() async throws {
        let database = try await TestDatabase.create()
        var edited = Schema.migrations
        let original = edited[0]
        edited[0] = Migration(version: original.version, name: original.name, statements: original.statements + ["SELECT 1"])
        let changedHistory = edited
        await #expect(throws: Migrator.Failure.self) {
            try await database.withClient { try await Migrator(migrations: changedHistory, logger: logger).migrate($0) }
        }
    }

    @Test("a failing migration leaves nothing half-applied")
    func atomicity() async throws {
        let database = try await TestDatabase.create()
        let broken = Schema.migrations + [
            Migration(version: 9_999, name: "broken", statements: ["CREATE TABLE half_done (id int)", "SELECT * FROM no_such_table"])
        ]
        await #expect(throws: PostgresTransactionError.self) {
            try await database.withClient { try await Migrator(migrations: broken, logger: logger).migrate($0) }
        }
        #expect(try await database.count("SELECT count(*)::int FROM schema_migrations WHERE version = 9999") == 0)
        #expect(try await database.count("SELECT count(*)::int FROM pg_tables WHERE tablename = 'half_done'") == 0)
        // The advisory lock was released: a normal run goes through.
        try await database.withClient { try await Migrator(logger: logger).migrate($0) }
    }

    @Test("services refuse a schema older than they need, with a message saying what to run")
    func schemaGuard() async throws {
        let empty = try await TestDatabase.create(migrated: false)
        let error = await #expect(throws: SchemaGuard.Outdated.self) {
            try await empty.withClient { try await SchemaGuard().requireCurrent($0, logger: logger) }
        }
        #expect(error?.databaseVersion == 0)
        #expect(error?.description.contains("astrolab-admin migrate") == true)

        let partial = try await TestDatabase.create(migrated: false)
        let older = Array(Schema.migrations.dropLast())
        try await partial.withClient { try await Migrator(migrations: older, logger: logger).migrate($0) }
        await #expect(throws: SchemaGuard.Outdated.self) {
            try await partial.withClient { try await SchemaGuard().requireCurrent($0, logger: logger) }
        }

        let current = try await TestDatabase.create()
        try await current.withClient { try await SchemaGuard().requireCurrent($0, logger: logger) }
    }
}
