import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Messaging
import Models
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

@testable import Profiles

/// A signed-in test user: their id and an access token.
struct TestUser {
    let id: UUID
    let token: String
}

/// A fresh database, a broker, a movable clock and a token signer: everything one profiles test needs.
struct ProfilesHarness {
    let database: TestDatabase
    let amqpURL: String
    let clock = ManualClock()
    let signingKey = ES256PrivateKey()

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
                "JWT_PUBLIC_KEY": signingKey.publicKey.pemRepresentation,
                "LOG_LEVEL": "warning",
            ])
        )
    }

    func app() async throws -> some ApplicationProtocol {
        try await buildApplication(try configuration(), clock: clock)
    }

    /// A user in the database and an access token for them, as accounts would issue it.
    func user(_ name: String, admin: Bool = false) async throws -> TestUser {
        let email = "\(name)-\(UUID().uuidString.prefix(8))@example.com".lowercased()
        let user = try await database.withClient { client in
            let users = PostgresUserRepository(client: client, logger: Self.logger)
            let user = try await users.create(email: email, displayName: name, passwordHash: "unused", at: clock.now())
            if admin { _ = try await users.grantAdmin(email: email) }
            return user
        }
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: signingKey)
        let claims = AccessTokenClaims(
            userId: user.id, roles: admin ? ["user", "admin"] : ["user"], issuedAt: clock.now(),
            expiresAt: clock.now().addingTimeInterval(900), issuer: "astrolab", audience: "astrolab", tokenId: UUID().uuidString
        )
        return TestUser(id: user.id, token: try await keys.sign(claims))
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

/// Profile-service flows driven like a client would.
extension TestClientProtocol {
    func createStrategy(
        _ user: TestUser, name: String = "BTC dip hunter", description: String = "Buys the dips.", kind: String = "profile",
        exchange: String? = nil, pairs: [String]? = nil
    ) async throws -> [String: Any] {
        var body: [String: Any] = ["name": name, "description": description, "kind": kind]
        if let exchange { body["exchange"] = exchange }
        if let pairs { body["pairs"] = pairs }
        let response = try await send(.post, "/v1/strategies", json: body, token: user.token)
        #expect(response.status == .created, "create strategy: \(response.bodyString)")
        return try response.jsonObject()
    }

    func createStrategyId(_ user: TestUser, name: String = "BTC dip hunter", kind: String = "profile", exchange: String? = nil, pairs: [String]? = nil) async throws -> String {
        try #require(try await createStrategy(user, name: name, kind: kind, exchange: exchange, pairs: pairs)["id"] as? String)
    }

    func upload(_ zip: [UInt8], to strategyId: String, as user: TestUser, contentType: String? = "application/zip") async throws -> TestResponse {
        try await send(.post, "/v1/strategies/\(strategyId)/versions", bytes: zip, contentType: contentType, token: user.token)
    }

    func strategy(_ id: String, as user: TestUser?) async throws -> [String: Any] {
        let response = try await send(.get, "/v1/strategies/\(id)", token: user?.token)
        #expect(response.status == .ok, "get strategy: \(response.bodyString)")
        return try response.jsonObject()
    }
}

extension ProfilesHarness {
    /// Applies a moderation approval straight to the database (no broker), for tests whose
    /// subject is what comes after publication. The broker path has tests of its own.
    func approveDirectly(_ strategyId: String, subject: ReviewSubject, version: Int? = nil) async throws {
        let event = ModerationCaseApproved(caseId: UUID(), strategyId: strategyId, subject: subject, version: version, moderatorId: UUID(), note: nil)
        try await database.withClient { client in
            try await client.withTransaction(logger: Self.logger) { connection in
                try await StrategyReviews.approve(event, at: clock.now(), on: connection, logger: Self.logger)
            }
        }
    }

    func adjustSubscribersDirectly(_ strategyId: String, by delta: Int) async throws {
        try await database.withClient { client in
            try await client.withTransaction(logger: Self.logger) { connection in
                try await StrategyReviews.adjustSubscriberCount(strategyId: strategyId, by: delta, on: connection, logger: Self.logger)
            }
        }
    }
}
