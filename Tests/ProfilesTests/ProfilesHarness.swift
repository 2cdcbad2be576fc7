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
    let bed: ServiceTestBed
    let clock = ManualClock()
    var database: TestDatabase { bed.database }
    var amqpURL: String { bed.amqpURL }
    static let logger = ServiceTestBed.logger

    /// `isolatedBroker`: for tests whose service consumers must receive the events they emit.
    static func make(isolatedBroker: Bool = false) async throws -> ProfilesHarness {
        ProfilesHarness(bed: try await .make(isolatedBroker: isolatedBroker))
    }

    func configuration() throws -> ProfilesConfiguration {
        try ProfilesConfiguration(environment: EnvironmentReader(bed.environment()))
    }

    func app() async throws -> some ApplicationProtocol {
        try await buildApplication(try configuration(), clock: clock)
    }

    /// A user in the database and an access token for them, as accounts would issue it.
    func user(_ name: String, admin: Bool = false) async throws -> TestUser {
        try await bed.user(name, admin: admin, at: clock.now())
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
