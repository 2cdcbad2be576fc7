import ArgumentParser
import Foundation
import Logging
import Models
import PostgresNIO

/// `--database-url`, defaulting to `DATABASE_URL` like the services.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (default: $DATABASE_URL).")
    var databaseURL: String?

    func withClient<Result: Sendable>(_ body: @Sendable (PostgresClient, Logger) async throws -> Result) async throws -> Result {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("Give --database-url or set DATABASE_URL.")
        }
        let logger = Logger(label: "astrolab-admin")
        return try await withPostgresClient(try DatabaseURL.configuration(from: url), logger: logger) { client in
            try await body(client, logger)
        }
    }
}
