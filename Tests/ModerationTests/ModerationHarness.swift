import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Models
import ModerationStore
import PostgresNIO
import Rules
import ServiceKit
import StrategyStore
import TestSupport
import Testing

@testable import Moderation
@testable import Profiles

/// One database and a broker virtual host of its own, shared by the profiles and moderation
/// services under test, so events flow between them over the real broker as in production.
struct ModerationHarness {
    let bed: ServiceTestBed
    /// The real clock: case order (opened at) must follow the order of events, as in production.
    let clock: any WallClock = SystemWallClock()
    var database: TestDatabase { bed.database }
    var amqpURL: String { bed.amqpURL }
    static let logger = ServiceTestBed.logger

    static func make() async throws -> ModerationHarness {
        ModerationHarness(bed: try await .make(isolatedBroker: true))
    }

    var environment: [String: String] {
        bed.environment(["EVENT_STREAM_POLL_MS": "20", "EVENT_STREAM_KEEPALIVE_SECONDS": "1"])
    }

    func moderationApp() async throws -> some ApplicationProtocol {
        try await Moderation.buildApplication(try ModerationConfiguration(environment: EnvironmentReader(environment)), clock: clock)
    }

    func profilesApp() async throws -> some ApplicationProtocol {
        try await Profiles.buildApplication(try ProfilesConfiguration(environment: EnvironmentReader(environment)), clock: clock)
    }

    func user(_ name: String, admin: Bool = false) async throws -> TestUser {
        try await bed.user(name, admin: admin, at: clock.now(), accountCreatedAt: clock.now().addingTimeInterval(-30 * 86_400))
    }

    /// A strategy and an open case for it, written straight to the database (the submission
    /// path over the broker has tests of its own).
    func openCase(author: TestUser, name: String = "Case subject") async throws -> (strategyId: String, caseId: UUID) {
        try await database.withClient { client in
            let strategy = try await PostgresStrategyRepository(client: client, logger: Self.logger).create(
                NewStrategy(authorId: author.id, name: name, description: "A strategy waiting for review.", kind: .signals, exchange: "binance", pairs: ["BTC/USDT"]),
                at: clock.now()
            )
            let caseId = try await client.withTransaction(logger: Self.logger) { connection in
                try await PostgresReviewCaseRepository.open(
                    Submission(strategyId: strategy.id, subject: .listing, version: nil), checks: [], at: clock.now(), on: connection, logger: Self.logger
                )
            }
            return (strategy.id, caseId)
        }
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        try await database.count(query)
    }
}
