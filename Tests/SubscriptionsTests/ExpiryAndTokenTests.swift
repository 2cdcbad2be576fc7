import APIShapes
import AccountsStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@Suite("Expiry, admin grants, entitlement and guessed tokens", .timeLimit(.minutes(3)))
struct ExpiryAndTokenTests {
    @Test("a granted subscription stops downloading at its end date and emits exactly one subscription.ended")
    func expiry() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        let member = try await harness.user("Member")
        let memberEmail = try await harness.database.withClient { client in
            try await PostgresUserRepository(client: client, logger: SubscriptionsHarness.logger).find(id: member.id)?.email
        }
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                // A private (unpublished) strategy: only an admin grant gives access.
                let id = try await profiles.createStrategyId(author, name: "Members only", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                let grant = ["email": try #require(memberEmail), "strategyId": id, "days": 1] as [String: Any]
                try await subscriptions.send(.post, "/v1/subscriptions/grants", json: grant, token: member.token).expectProblem(.forbidden)
                try await subscriptions.send(.post, "/v1/subscriptions/grants", json: ["email": "x@example.com", "strategyId": id, "days": 0], token: admin.token)
                    .expectProblem(.unprocessableContent)
                try await subscriptions.send(.post, "/v1/subscriptions/grants", json: ["email": "nobody-\(UUID())@example.com", "strategyId": id, "days": 5], token: admin.token)
                    .expectProblem(.notFound)
                let granted = try await subscriptions.send(.post, "/v1/subscriptions/grants", json: grant, token: admin.token)
                #expect(granted.status == .created, "\(granted.bodyString)")
                let grantedSubscription = try granted.decode(SubscriptionBody.self)
                let url = try #require(grantedSubscription.downloadUrl)
                #expect(grantedSubscription.endsAt != nil)
                #expect(try await profiles.send(.get, url.downloadPath).status == .ok)
                #expect(try await entitled(member, id, harness))

                harness.clock.advance(by: 86_400 + 1)
                // Access ends with the date, before any sweep has run.
                try await profiles.send(.get, url.downloadPath).expectProblem(.notFound)
                #expect(try await entitled(member, id, harness) == false)
                #expect(try await harness.sweepExpired() == 1)
                #expect(try await harness.sweepExpired() == 0)
                let ended = try await harness.database.withClient { client in
                    var reasons: [String] = []
                    for try await body in try await client.query("SELECT body FROM outbox WHERE type = 'subscription.ended'", logger: SubscriptionsHarness.logger).decode(Data.self) {
                        let envelope = try EventEnvelope(bytes: Array(body))
                        reasons.append(try envelope.payload(as: SubscriptionEnded.self).reason.rawValue)
                    }
                    return reasons
                }
                #expect(ended == ["expired"])
                // (The member's access token has expired with the clock; the table tells the state.)
                #expect(try await harness.count("SELECT count(*)::int FROM subscriptions WHERE status = 'expired' AND ended_at IS NOT NULL") == 1)
                #expect(try await harness.count("SELECT count(*)::int FROM download_grants WHERE revoked_at IS NULL") == 0)
            }
        }
    }

    func entitled(_ user: TestUser, _ strategyId: String, _ harness: SubscriptionsHarness) async throws -> Bool {
        try await harness.database.withClient { client in
            try await PostgresEntitlements(client: client, logger: SubscriptionsHarness.logger).mayFollow(userId: user.id, isAdmin: false, strategyId: strategyId, at: harness.clock.now())
        }
    }

    @Test("entitlement: the author and admins always, subscribers while active, nobody else")
    func entitlement() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let stranger = try await harness.user("Stranger")
        try await harness.profilesApp().test(.router) { profiles in
            let id = try await profiles.createStrategyId(author, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
            #expect(try await entitled(author, id, harness))
            #expect(try await entitled(stranger, id, harness) == false)
            let adminEntitled = try await harness.database.withClient { client in
                try await PostgresEntitlements(client: client, logger: SubscriptionsHarness.logger).mayFollow(userId: stranger.id, isAdmin: true, strategyId: id, at: harness.clock.now())
            }
            #expect(adminEntitled)
        }
    }

    @Test("guessed, truncated, altered or borrowed tokens never download anything")
    func guessing() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let follower = try await harness.user("Follower")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                var urls: [String] = []
                for name in ["Alpha strategy", "Beta strategy"] {
                    let id = try await profiles.createStrategyId(author, name: name, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                    #expect(try await profiles.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                    try await harness.approve(id, subject: .listing)
                    urls.append(try #require(try await subscriptions.subscribe(follower, to: id).decode(SubscriptionBody.self).downloadUrl))
                }
                let path = urls[0].downloadPath  // /d/<token>/alpha-strategy.zip
                let parts = path.split(separator: "/")
                let token = String(parts[1])
                #expect(token.count >= 43, "at least 256 bits")
                var guesses = [
                    "/d/\(token.dropLast())/alpha-strategy.zip",
                    "/d/\(token.prefix(22))/alpha-strategy.zip",
                    "/d/\(token.uppercased())/alpha-strategy.zip",
                    "/d/\(token)/beta-strategy.zip",  // a valid token with another strategy's name
                    "/d/\(token)/alpha-strategy",
                    "/d/\(token)/../alpha-strategy.zip",
                    "/d//alpha-strategy.zip",
                    "/d/\(token)",
                ]
                for _ in 0..<20 {
                    let random = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64URLEncodedString()
                    guesses.append("/d/\(random)/alpha-strategy.zip")
                }
                for guess in guesses {
                    let response = try await profiles.send(.get, guess)
                    #expect(response.status == .notFound, "\(guess)")
                    #expect(response.bytes.count < 1000 && response.headers[.contentType] != "application/zip", "\(guess)")
                }
                #expect(try await profiles.send(.get, path).status == .ok)
                #expect(try await profiles.send(.get, path, token: "garbage").status == .unauthorized, "a bad credential is refused even here")
            }
        }
    }
}
