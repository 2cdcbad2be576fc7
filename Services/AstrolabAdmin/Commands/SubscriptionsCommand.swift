import ArgumentParser
import Foundation
import Models
import Rules
import SubscriptionStore

/// `astrolab-admin subscriptions …`: subscriptions managed by an operator.
struct SubscriptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscriptions",
        abstract: "Manage subscriptions.",
        subcommands: [GrantCommand.self]
    )
}

/// `astrolab-admin subscriptions grant --email X --strategy ID --days N`: a subscription that
/// ends after N days (private-strategy members, trials). An active one gets the new end date.
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Give an account a subscription to a strategy for a number of days."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Email of the account.")
    var email: String

    @Option(help: "The strategy identifier.")
    var strategy: String

    @Option(help: "How many days the subscription lasts (1 to 3660).")
    var days: Int

    @Option(help: "The secret download tokens derive from (default: $DOWNLOAD_TOKEN_SECRET or the file in $DOWNLOAD_TOKEN_SECRET_FILE).")
    var downloadTokenSecret: String?

    @Option(help: "The public origin download URLs start with (default: $PUBLIC_BASE_URL or http://localhost:8080).")
    var publicBaseURL: String?

    func validate() throws {
        let range = GrantedSubscription.days
        guard range.contains(days) else { throw ValidationError("--days must be \(range.lowerBound) to \(range.upperBound).") }
        guard StrategyID.isValid(strategy) else { throw ValidationError("--strategy must be a strategy identifier.") }
    }

    func run() async throws {
        let environment = EnvironmentReader()
        let secret = try downloadTokenSecret ?? environment.secret("DOWNLOAD_TOKEN_SECRET")
        guard let secret else { throw ValidationError("Give --download-token-secret or set DOWNLOAD_TOKEN_SECRET(_FILE), as for the subscriptions service.") }
        let tokens = try DownloadTokenIssuer(secret: secret)
        let email = EmailAddress.normalized(self.email)
        let (strategy, days) = (self.strategy, self.days)
        let subscription = try await database.withClient { client, logger in
            guard let user = try await PostgresUserDirectory(client: client, logger: logger).find(email: email) else {
                throw ValidationError("No account has the email \(email).")
            }
            let now = Date()
            return try await PostgresSubscriptionRepository(client: client, logger: logger, tokens: tokens).grant(
                userId: user.id, strategyId: strategy, endsAt: GrantedSubscription.endsAt(afterDays: days, from: now), grantedBy: nil, at: now
            )
        }
        guard let subscription else { throw ValidationError("No strategy \(strategy).") }
        let base = publicBaseURL ?? environment.string("PUBLIC_BASE_URL", default: "http://localhost:8080")
        print("\(email) follows \(strategy) until \(subscription.endsAt.map { $0.formatted(.iso8601) } ?? "-")")
        print("download URL: \(tokens.downloadURL(for: subscription, publicBaseURL: base) ?? "-")")
    }
}
