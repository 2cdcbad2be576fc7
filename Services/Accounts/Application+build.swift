import AccountsStore
import Hummingbird
import JWTKit
import Logging
import Models
import ServiceKit

/// Builds the accounts application; `main` runs it, tests drive it with HummingbirdTesting.
func buildApplication(
    _ configuration: AccountsConfiguration,
    clock: any WallClock = SystemWallClock(),
    logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "accounts", configuration: configuration.service, logger: logger)
    let database = runtime.database
    let log = runtime.logger

    let signingKey = try ES256PrivateKey(pem: configuration.signingKeyPEM)
    let tokenIssuer = try await AccessTokenIssuer(
        signingKey: signingKey, issuer: configuration.service.jwtIssuer,
        audience: configuration.service.jwtAudience, lifetime: configuration.accessTokenLifetime
    )
    let router = runtime.makeRouter(
        verificationKeys: try await StaticVerificationKeys(publicKey: signingKey.publicKey),
        clock: clock
    )

    let hasher = try await PasswordHasher(cost: configuration.bcryptCost)
    let sessions = SessionService(
        users: PostgresUserRepository(client: database, logger: log),
        refreshTokens: PostgresRefreshTokenRepository(client: database, logger: log),
        throttle: LoginThrottle(
            failures: PostgresLoginFailureRepository(client: database, logger: log),
            policy: configuration.loginThrottle, clock: clock
        ),
        hasher: hasher,
        tokenIssuer: tokenIssuer,
        refreshTokenLifetime: configuration.refreshTokenLifetime,
        clock: clock
    )
    AuthController(sessions: sessions).addRoutes(to: router.group("v1/auth"))
    MeController(users: PostgresUserRepository(client: database, logger: log)).addRoutes(to: router.group("v1/me"))
    APIKeyController(
        apiKeys: PostgresAPIKeyRepository(client: database, logger: log),
        authorship: PostgresStrategyAuthorship(client: database, logger: log),
        clock: clock
    ).addRoutes(to: router.group("v1/api-keys"))
    DeviceController(
        devices: PostgresDeviceRepository(client: database, logger: log), clock: clock
    ).addRoutes(to: router.group("v1/devices"))
    try JWKSController(jwks: tokenIssuer.jwks).addRoutes(to: router)

    // The community API a stock OctoBot logs in with (see CommunityAPI).
    let users = PostgresUserRepository(client: database, logger: log)
    let bots = PostgresBotRegistry(client: database, logger: log)
    GoTrueController(sessions: sessions, users: users, clock: clock)
        .addRoutes(to: runtime.communityGroup(CommunityAPI.authPrefix, on: router))
    ExtensionDetailsFunction(devices: PostgresDeviceRepository(client: database, logger: log), clock: clock)
        .addRoutes(to: runtime.communityGroup(CommunityAPI.functionsPrefix, on: router))
    BotRegistryController(registry: bots, clock: clock).addRoutes(to: runtime.communityGroup(CommunityAPI.restPrefix, on: router))
    BotController(registry: bots).addRoutes(to: router.group("v1/bots"))
    CommunityConnectionController(
        connection: CommunityConnection(
            backendUrl: configuration.service.publicBaseURL, publicKey: configuration.service.communityPublicKey,
            feedHost: configuration.communityFeedHost
        )
    ).addRoutes(to: router)

    return runtime.makeApplication(router: router)
}
