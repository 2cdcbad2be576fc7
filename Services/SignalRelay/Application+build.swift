import EventBus
import Hummingbird
import HummingbirdWebSocket
import Logging
import Messaging
import Models
import NIOPosix
import PostgresNIO
import ServiceKit
import SignalStore

/// The thread of the log's own connections (see `buildApplication`); it lives as long as the process.
private let appendEventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

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
    let verificationKeys = try await runtime.makeVerificationKeys()
    let router = runtime.makeRouter(verificationKeys: verificationKeys, clock: clock)
    let strategies = PostgresStrategyDirectory(client: database, logger: log)
    let signals = PostgresSignalLog(client: database, logger: log)
    let hub = RelayHub(broker: runtime.broker, signals: signals, logger: log)
    // Appends have connections of their own, on a thread of their own: an author's signal must
    // not wait for a connection behind follower replays, nor for a turn on event loops busy
    // writing thousands of deliveries (each append is several round trips).
    let appendDatabase = PostgresClient(
        configuration: try DatabaseURL.configuration(from: configuration.service.databaseURL), eventLoopGroup: appendEventLoop, backgroundLogger: log
    )
    let ingest = SignalIngest(
        database: appendDatabase, logger: log,
        limiter: EmitRateLimiter(ratePerSecond: configuration.emitRatePerSecond, burst: configuration.emitBurst), clock: clock,
        commitTimeout: configuration.emitCommitTimeout, fanOut: { hub.dispatch(LiveRecord($0)) }
    )

    let resumeStore = PostgresMQTTResumeStore(client: database, logger: log)
    let resumeBook = MQTTResumeBook(store: resumeStore, interval: configuration.mqttResumeFlushInterval, clock: clock, logger: log)

    // The stream route comes first: `/v1/signals/{strategyId}` would also match `stream`.
    let policy = AccessPolicy(strategies: strategies, entitlements: PostgresEntitlements(client: database, logger: log), clock: clock)
    let flow = FollowFlow(
        policy: policy, signals: signals, hub: hub, log: LogReader(signals: signals, logger: log), buffer: configuration.followerBuffer, clock: clock, logger: log
    )
    let followers = FollowerSocket(flow: flow, logger: log)
    followers.addRoutes(to: router)
    SignalIngestController(ingest: ingest, strategies: strategies).addRoutes(to: router.group("v1/signals"))
    SignalHistoryController(signals: signals, policy: policy).addRoutes(to: router.group("v1/signals"))

    var outbox = OutboxRelay.Settings()
    outbox.channels.append("outbox_signals")  // woken by signal records (the other services are not)
    return runtime.makeApplication(
        router: router,
        server: .followerStream(
            authenticator: runtime.makeAuthenticator(verificationKeys: verificationKeys, clock: clock), followerBuffer: configuration.followerBuffer, clock: clock
        ) { inbound, principal, link, _ in
            await followers.follow(inbound: inbound, principal: principal, link: link)
        },
        services: [
            appendDatabase,
            RelayConsumers(hub: hub, broker: runtime.broker, logger: log),
            LogGapFiller(hub: hub, log: LogReader(signals: signals, logger: log), interval: configuration.gapCheckInterval, logger: log),
            resumeBook,
            MQTTListener(
                host: configuration.mqttHost, port: configuration.mqttPort, flow: flow, ingest: ingest, database: database,
                buffer: configuration.followerBuffer, inflightWindow: configuration.mqttInflightWindow,
                connectTimeout: configuration.mqttConnectTimeout,
                resume: MQTTResumePolicy(
                    window: configuration.mqttResumeWindow, maxRecords: Int64(configuration.mqttResumeMaxRecords), store: resumeStore, book: resumeBook
                ),
                resumeBook: resumeBook, clock: clock, logger: log,
                onBound: onMQTTBound
            ),
        ],
        outbox: outbox
    )
}
