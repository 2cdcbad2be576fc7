import Hummingbird
import Logging
import Models
import ModerationStore
import ServiceKit

/// Builds the moderation application; `main` runs it, tests drive it with HummingbirdTesting.
func buildApplication(
    _ configuration: ModerationConfiguration,
    clock: any WallClock = SystemWallClock(),
    logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "moderation", configuration: configuration.service, logger: logger)
    let database = runtime.database
    let log = runtime.logger
    let router = runtime.makeRouter(verificationKeys: try await runtime.makeVerificationKeys(), clock: clock)

    CaseController(cases: PostgresReviewCaseRepository(client: database, logger: log), clock: clock)
        .addRoutes(to: router.group("v1/moderation/cases"))
    TakeDownController(takeDowns: PostgresTakeDownRepository(client: database, logger: log), clock: clock)
        .addRoutes(to: router.group("v1/moderation/strategies"))
    EventStreamController(
        database: database, logger: log, pollInterval: configuration.streamPollInterval, keepAlive: configuration.streamKeepAlive
    ).addRoutes(to: router.group("v1/moderation/events"))

    return runtime.makeApplication(
        router: router,
        services: [SubmissionConsumer.make(broker: runtime.broker, database: database, clock: clock, logger: log)]
    )
}
