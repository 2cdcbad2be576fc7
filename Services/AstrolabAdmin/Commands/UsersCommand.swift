import AccountsStore
import ArgumentParser
import Foundation
import Models
import Rules

/// `astrolab-admin users …`: account administration.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage user accounts.",
        subcommands: [PromoteCommand.self]
    )
}

/// `astrolab-admin users promote --email X`: grants the admin role.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Grant the admin role to an existing account."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Email of the account to promote.")
    var email: String

    func run() async throws {
        let email = EmailAddress.normalized(self.email)
        let found = try await database.withClient { client, logger in
            try await PostgresUserRepository(client: client, logger: logger).grantAdmin(email: email)
        }
        guard found else { throw ValidationError("No account has the email \(email).") }
        print("\(email) is an admin")
    }
}
