import EventBus
import Hummingbird
import HummingbirdCore
import Logging
import Messaging
import Models
import PostgresNIO
import Schema
import ServiceLifecycle

/// The parts every Astrolab service process shares, and the one way a service is assembled:
/// `makeRouter` gives the common middleware and endpoints, `makeApplication` wires the database,
/// the broker connection, the outbox relay, the schema check and any background services into one
/// `ServiceGroup` that shuts down gracefully on SIGTERM/SIGINT (`Application.runService()`).
public struct ServiceRuntime: Sendable {
    public let name: String
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let database: PostgresClient
    public let broker: AMQPConnection

    public init(name: String, configuration: ServiceConfiguration, logger: Logger? = nil) throws {
        // Metrics created before swift-metrics is bootstrapped would go nowhere: bootstrap first.
        _ = Observability.metricsRegistry
        self.name = name
        self.configuration = configuration
        var logger = logger ?? Logger(label: name)
        logger.logLevel = configuration.logLevel
        self.logger = logger
        self.database = PostgresClient(
            configuration: try DatabaseURL.configuration(from: configuration.databaseURL),
            backgroundLogger: logger
        )
        self.broker = AMQPConnection(
            name: name, configuration: try AMQPConfiguration(url: configuration.amqpURL), topology: .astrolab, logger: logger
        )
    }

    /// The key source configured for this service (a PEM public key or the accounts JWKS).
    public func makeVerificationKeys() async throws -> any VerificationKeyProvider {
        switch configuration.accessTokenKeys {
        case .publicKeyPEM(let pem):
            return try await StaticVerificationKeys(publicKeyPEM: pem)
        case .jwks(let url):
            return JWKSVerificationKeys(url: url, logger: logger)
        }
    }

    /// A router with request ids, request logging, metrics, problem+json errors, client addresses,
    /// bearer authentication, and the health and metrics endpoints.
    public func makeRouter(
        verificationKeys: any VerificationKeyProvider,
        clock: any WallClock = SystemWallClock(),
        readinessChecks: [ReadinessCheck] = []
    ) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
        router.add(middleware: makeAuthenticator(verificationKeys: verificationKeys, clock: clock))
        HealthController(checks: [.database(database, logger: logger), .broker(broker)] + readinessChecks).addRoutes(to: router)
        MetricsController(registry: Observability.metricsRegistry).addRoutes(to: router)
        return router
    }

    /// Who is calling: access tokens verified with these keys, API keys looked up in the database.
    public func makeAuthenticator(verificationKeys: any VerificationKeyProvider, clock: any WallClock = SystemWallClock()) -> BearerAuthenticator {
        BearerAuthenticator(
            verifier: AccessTokenVerifier(keys: verificationKeys, issuer: configuration.jwtIssuer, audience: configuration.jwtAudience, clock: clock),
            apiKeys: PostgresAPIKeyLookup(client: database, logger: logger),
            communityPublicKey: configuration.communityPublicKey, lookupTimeout: configuration.credentialLookupTimeout
        )
    }

    /// A router group for one part of the community API (`CommunityAPI.authPrefix`, …): every
    /// request must carry this installation's public key, as Supabase's gateway requires.
    public func communityGroup(_ prefix: String, on router: Router<AppRequestContext>) -> RouterGroup<AppRequestContext> {
        router.group(RouterPath(prefix)).add(middleware: CommunityKeyMiddleware(publicKey: configuration.communityPublicKey))
    }

    /// The application: the router plus the database client, the broker connection, the outbox
    /// relay and `services`, started together; it refuses to serve on a schema older than this
    /// build needs. On shutdown the server stops first, then `services` (consumers finish what
    /// they hold), the relay, the broker connection, the database.
    /// `server` is HTTP/1.1 unless a service also accepts WebSocket upgrades.
    public func makeApplication(
        router: Router<AppRequestContext>, server: HTTPServerBuilder = .http1(), services: [any Service] = [],
        outbox: OutboxRelay.Settings = .init()
    ) -> some ApplicationProtocol {
        router.answerUnsupportedMethods()
        var app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: name),
            logger: logger
        )
        app.addServices(database, broker, OutboxRelay(database: database, broker: broker, logger: logger, settings: outbox))
        app.addServices(services)
        let database = self.database
        let logger = self.logger
        app.beforeServerStarts {
            try await SchemaGuard().requireCurrent(database, logger: logger)
        }
        return app
    }
}
