import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Messaging
import Models
import PostgresNIO
import Rules
import ServiceKit
import StrategyStore
import TestSupport
import Testing

@testable import Profiles

/// A fresh database, a broker, a movable clock and a token signer: everything one profiles test needs.
struct ProfilesHarness {
    let database: TestDatabase
    let amqpURL: String
    let clock = ManualClock()
    let accounts = TestAccounts()

    static let logger: Logger = {
        var logger = Logger(label: "profiles-test")
        logger.logLevel = .warning
        return logger
    }()

    /// `isolatedBroker` gives the test a virtual host of its own, for tests that need the
    /// service's consumers to receive their events (the work queues have fixed names).
    static func make(isolatedBroker: Bool = false) async throws -> ProfilesHarness {
        ProfilesHarness(
            database: try await TestDatabase.create(),
            amqpURL: isolatedBroker ? try await TestBroker.isolatedURL() : try TestBroker.url()
        )
    }

    func configuration() throws -> ProfilesConfiguration {
        try ProfilesConfiguration(
            environment: EnvironmentReader([
                "DATABASE_URL": database.url,
                "AMQP_URL": amqpURL,
                "JWT_PUBLIC_KEY": accounts.publicKeyPEM,
                "LOG_LEVEL": "warning",
            ])
        )
    }

    func app() async throws -> some ApplicationProtocol {
        try await buildApplication(try configuration(), clock: clock)
    }

    /// A user in the database and an access token for them, as accounts would issue it.
    func user(_ name: String, admin: Bool = false) async throws -> TestUser {
        try await accounts.user(name, admin: admin, in: database, at: clock.now())
    }

    /// Puts `event` in this database's outbox: the service's own relay publishes it to the broker
    /// and its consumers receive it, as if another service had emitted it.
    func emit<Event: DomainEvent>(_ event: Event) async throws {
        try await database.withClient { client in
            try await client.withTransaction(logger: Self.logger) { connection in
                try await Outbox.enqueue(event, occurredAt: clock.now(), on: connection, logger: Self.logger)
            }
        }
    }

    /// How many events of `type` the profiles service has written to its outbox.
    func outboxCount(_ type: String) async throws -> Int {
        try await database.count("SELECT count(*)::int FROM outbox WHERE type = \(type)")
    }
}

extension ProfilesHarness {
    /// Applies a moderation approval straight to the database (no broker), for tests whose
    /// subject is what comes after publication. The broker path has tests of its own.
    func approveDirectly(_ strategyId: String, subject: ReviewSubject, version: Int? = nil) async throws {
        try await database.approve(strategyId, subject: subject, version: version, at: clock.now())
    }

    func adjustSubscribersDirectly(_ strategyId: String, by delta: Int) async throws {
        try await database.withClient { client in
            try await client.withTransaction(logger: Self.logger) { connection in
                try await StrategyReviews.adjustSubscriberCount(strategyId: strategyId, by: delta, on: connection, logger: Self.logger)
            }
        }
    }
}
