import ArgumentParser
import Models
import Schema

/// `astrolab-admin migrate`: brings the database schema up to this build's version.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations (safe to run from several places at once)."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let applied = try await database.withClient { client, logger in
            try await Migrator(logger: logger).migrate(client)
        }
        if applied.isEmpty {
            print("schema is up to date (version \(Schema.latestVersion))")
        } else {
            print("applied migrations \(applied.map(String.init).joined(separator: ", ")); schema is at version \(Schema.latestVersion)")
        }
    }
}
