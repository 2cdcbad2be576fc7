import Hummingbird
import Logging
import Messaging
import Models
import NIOPosix
import ServiceKit
import StrategyStore

/// Builds the profiles application; `main` runs it, tests drive it with HummingbirdTesting.
func buildApplication(
    _ configuration: ProfilesConfiguration,
    clock: any WallClock = SystemWallClock(),
    logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "profiles", configuration: configuration.service, logger: logger)
    let database = runtime.database
    let log = runtime.logger
    let router = runtime.makeRouter(verificationKeys: try await runtime.makeVerificationKeys(), clock: clock)

    let strategies = PostgresStrategyRepository(client: database, logger: log)
    let access = StrategyAccess(
        policy: AccessPolicy(strategies: strategies, entitlements: PostgresEntitlements(client: database, logger: log), clock: clock)
    )
    StrategyController(strategies: strategies, access: access, clock: clock).addRoutes(to: router.group("v1/strategies"))
    VersionController(
        versions: PostgresProfileVersionRepository(client: database, logger: log), access: access,
        uploads: ProfileUploadReader(limits: configuration.zipLimits, threadPool: .singleton), clock: clock
    ).addRoutes(to: router.group("v1/strategies"))
    LogoController(strategies: strategies, access: access, maxBytes: configuration.maxLogoBytes, clock: clock)
        .addRoutes(to: router.group("v1/strategies"))
    CatalogController(strategies: strategies).addRoutes(to: router.group("v1/catalog"))
    DownloadController(
        grants: PostgresDownloadGrants(client: database, logger: log), strategies: strategies, versions: PostgresProfileVersionRepository(client: database, logger: log),
        cache: ZipCache(capacityBytes: configuration.downloadCacheBytes), clock: clock
    ).addRoutes(to: router.group("d"))
    ProductsTable().addRoutes(to: runtime.communityGroup(CommunityAPI.restPrefix, on: router))

    return runtime.makeApplication(
        router: router,
        services: [
            ReviewOutcomeConsumer.make(broker: runtime.broker, database: database, clock: clock, logger: log),
            SubscriberCountConsumer.make(broker: runtime.broker, database: database, logger: log),
        ]
    )
}
