import Hummingbird
import HummingbirdWebSocket
import Logging
import Models
import ServiceKit

/// Builds the signal relay; `main` runs it, tests drive it with HummingbirdTesting.
func buildApplication(
    _ configuration: SignalRelayConfiguration,
    clock: any WallClock = SystemWallClock(),
    logger: Logger? = nil,
    onMQTTBound: (@Sendable (Int) -> Void)? = nil
) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "signal-relay", configuration: configuration.service, logger: logger)
    let database = runtime.database
    let log = runtime.logger
    let router = runtime.makeRouter(verificationKeys: try await runtime.makeVerificationKeys(), clock: clock)
    let strategies = PostgresStrategyRepository(client: database, logger: log)
    let hub = RelayHub(broker: runtime.broker, logger: log)
    let ingest = SignalIngest(
        database: database, logger: log,
        limiter: EmitRateLimiter(ratePerSecond: configuration.emitRatePerSecond, burst: configuration.emitBurst), clock: clock
    )

    // The stream route comes first: `/v1/signals/{strategyId}` would also match `stream`.
    FollowerSocket(hub: hub, database: database, strategies: strategies, buffer: configuration.followerBuffer, clock: clock, logger: log)
        .addRoutes(to: router)
    SignalIngestController(ingest: ingest, strategies: strategies).addRoutes(to: router.group("v1/signals"))
    SignalHistoryController(database: database, logger: log, strategies: strategies, clock: clock).addRoutes(to: router.group("v1/signals"))

    return runtime.makeApplication(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: router),
        services: [
            RelayConsumers(hub: hub, broker: runtime.broker, logger: log),
            MQTTListener(
                host: configuration.mqttHost, port: configuration.mqttPort, hub: hub, ingest: ingest, database: database,
                buffer: configuration.followerBuffer, inflightWindow: configuration.mqttInflightWindow,
                connectTimeout: configuration.mqttConnectTimeout, clock: clock, logger: log,
                onBound: onMQTTBound
            ),
        ]
    )
}
