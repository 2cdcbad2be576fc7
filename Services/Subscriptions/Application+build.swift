import Hummingbird
import Logging
import Models
import ServiceKit
import SubscriptionStore

/// Builds the subscriptions application; `main` runs it, tests drive it with HummingbirdTesting.
func buildApplication(
    _ configuration: SubscriptionsConfiguration,
    clock: any WallClock = SystemWallClock(),
    logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "subscriptions", configuration: configuration.service, logger: logger)
    let tokens = try DownloadTokenIssuer(secret: configuration.downloadTokenSecret)
    let subscriptions = PostgresSubscriptionRepository(client: runtime.database, logger: runtime.logger, tokens: tokens)
    let router = runtime.makeRouter(verificationKeys: try await runtime.makeVerificationKeys(), clock: clock)

    let urls = DownloadURLs(publicBaseURL: configuration.service.publicBaseURL, tokens: tokens)
    SubscriptionController(subscriptions: subscriptions, urls: urls, clock: clock).addRoutes(to: router.group("v1/subscriptions"))
    GrantController(
        subscriptions: subscriptions, users: PostgresUserDirectory(client: runtime.database, logger: runtime.logger), urls: urls, clock: clock
    ).addRoutes(to: router.group("v1/subscriptions/grants"))
    SubscribedProfilesRPC(subscriptions: subscriptions, urls: urls, clock: clock)
        .addRoutes(to: runtime.communityGroup(CommunityAPI.restPrefix + "/rpc", on: router))

    return runtime.makeApplication(
        router: router,
        services: [
            ExpiryJob(subscriptions: subscriptions, interval: configuration.expiryInterval, clock: clock, logger: runtime.logger),
            TakeDownConsumer.make(subscriptions: subscriptions, broker: runtime.broker, database: runtime.database, clock: clock, logger: runtime.logger),
        ]
    )
}
