import Foundation
import Logging
import Models
import PostgresNIO
import Schema
import StrategyStore

/// A database of its own for one test, created in the throw-away server `./deploy/test` starts.
public struct TestDatabase: Sendable {
    /// Why a test that needs PostgreSQL fails instead of silently skipping.
    public struct NotConfigured: Error, CustomStringConvertible {
        public let description =
            "ASTROLAB_TEST_DATABASE_URL is not set: run the tests with ./deploy/test, which starts PostgreSQL for them"
    }

    public let url: String
    public let name: String

    public var configuration: PostgresClient.Configuration {
        get throws { try DatabaseURL.configuration(from: url) }
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test-database")
        // Errors only: PostgresNIO warns when a helper client's first query races its run().
        logger.logLevel = .error
        return logger
    }()

    /// Creates an empty database and, unless told otherwise, applies every migration.
    public static func create(migrated: Bool = true) async throws -> TestDatabase {
        guard let serverURL = ProcessInfo.processInfo.environment["ASTROLAB_TEST_DATABASE_URL"] else {
            throw NotConfigured()
        }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withPostgresClient(try DatabaseURL.configuration(from: serverURL), logger: logger) { client in
            // A database name cannot be a bind parameter; `name` is generated above, never input.
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        guard var components = URLComponents(string: serverURL) else { throw NotConfigured() }
        components.path = "/\(name)"
        let database = TestDatabase(url: components.string ?? serverURL, name: name)
        if migrated {
            try await database.withClient { client in
                try await Migrator(logger: logger).migrate(client)
            }
        }
        return database
    }

    /// Runs `body` with a connected client to this database.
    @discardableResult
    public func withClient<Result: Sendable>(_ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        try await withPostgresClient(try configuration, logger: Self.logger, body)
    }

    /// Convenience for assertions: the single integer a query returns.
    public func count(_ query: PostgresQuery) async throws -> Int {
        try await withClient { client in
            for try await value in try await client.query(query, logger: Self.logger).decode(Int.self) {
                return value
            }
            return 0
        }
    }
}

extension TestDatabase {
    /// Publishes a strategy straight in the database, as a moderation approval does (the
    /// broker path has tests of its own).
    public func approve(_ strategyId: String, subject: ReviewSubject, version: Int? = nil, at date: Date) async throws {
        let event = ModerationCaseApproved(caseId: UUID(), strategyId: strategyId, subject: subject, version: version, moderatorId: UUID(), note: nil)
        try await withClient { client in
            try await client.withTransaction(logger: Self.logger) { connection in
                try await StrategyReviews.approve(event, at: date, on: connection, logger: Self.logger)
            }
        }
    }
}
