import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Models
import PostgresNIO
import Rules
import ServiceKit
import SubscriptionStore
import TestSupport
import Testing

@testable import Profiles
@testable import Subscriptions

/// The profiles and subscriptions services on one database and one broker virtual host, with a
/// movable clock (expiry) and the download-token secret both sides need.
struct SubscriptionsHarness {
    static let secret = "test-download-token-secret-0123456789abcdef"

    let bed: ServiceTestBed
    let clock = ManualClock()
    var database: TestDatabase { bed.database }
    var accounts: TestAccounts { bed.accounts }
    static let logger = ServiceTestBed.logger

    static func make(isolatedBroker: Bool = false) async throws -> SubscriptionsHarness {
        SubscriptionsHarness(bed: try await .make(isolatedBroker: isolatedBroker))
    }

    var environment: [String: String] {
        bed.environment(["DOWNLOAD_TOKEN_SECRET": Self.secret, "PUBLIC_BASE_URL": "http://edge.test", "EXPIRY_INTERVAL_SECONDS": "3600"])
    }

    func subscriptionsApp() async throws -> some ApplicationProtocol {
        try await Subscriptions.buildApplication(try SubscriptionsConfiguration(environment: EnvironmentReader(environment)), clock: clock)
    }

    func profilesApp() async throws -> some ApplicationProtocol {
        try await Profiles.buildApplication(try ProfilesConfiguration(environment: EnvironmentReader(environment)), clock: clock)
    }

    func user(_ name: String, admin: Bool = false) async throws -> TestUser {
        try await bed.user(name, admin: admin, at: clock.now())
    }

    /// Publishes straight in the database, as an approval from moderation would.
    func approve(_ strategyId: String, subject: ReviewSubject, version: Int? = nil) async throws {
        try await database.approve(strategyId, subject: subject, version: version, at: clock.now())
    }

    /// The sweep the expiry job runs, at the harness clock's time.
    func sweepExpired() async throws -> Int {
        try await database.withClient { client in
            let repository = PostgresSubscriptionRepository(client: client, logger: Self.logger, tokens: try DownloadTokenIssuer(secret: Self.secret))
            return await ExpiryJob(subscriptions: repository, interval: .seconds(3600), clock: clock, logger: Self.logger).sweep()
        }
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        try await database.count(query)
    }
}

extension String {
    /// The path of a download URL (`http://edge.test/d/…` → `/d/…`), to send to the profiles app.
    var downloadPath: String {
        guard let range = range(of: "http://edge.test") else { return self }
        return String(self[range.upperBound...])
    }
}

extension TestClientProtocol {
    func subscribe(_ user: TestUser, to strategyId: String) async throws -> TestResponse {
        try await send(.post, "/v1/subscriptions", json: ["strategyId": strategyId], token: user.token)
    }
}
