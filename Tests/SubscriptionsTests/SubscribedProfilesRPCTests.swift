import APIShapes
import AccountsStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import Rules
import ServiceKit
import TestSupport
import Testing

@testable import Subscriptions

/// `/rest/v1/rpc`: what a stock OctoBot's "login and sync" downloads.
@Suite("Subscribed profile URLs for the community API")
struct SubscribedProfilesRPCTests {
    static let key = "rpc-test-key"

    @Test("only active subscriptions' URLs, the same as /v1/subscriptions; granted ones past their end are left out before the sweep")
    func activeOnly() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        let follower = try await harness.user("Follower")
        let followerEmail = try #require(try await harness.database.withClient { client in
            try await PostgresUserRepository(client: client, logger: SubscriptionsHarness.logger).find(id: follower.id)?.email
        })
        var environment = harness.environment
        environment["COMMUNITY_PUBLIC_KEY"] = Self.key
        let configuration = try SubscriptionsConfiguration(environment: EnvironmentReader(environment))
        try await harness.profilesApp().test(.router) { profiles in
            try await Subscriptions.buildApplication(configuration, clock: harness.clock).test(.router) { subscriptions in
                var ids: [String] = []
                for name in ["Kept strategy", "Cancelled strategy", "Granted strategy"] {
                    let id = try await profiles.createStrategyId(author, name: name, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                    #expect(try await profiles.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                    try await harness.approve(id, subject: .listing)
                    ids.append(id)
                }
                let kept = try await subscriptions.subscribe(follower, to: ids[0]).decode(SubscriptionBody.self)
                let cancelled = try await subscriptions.subscribe(follower, to: ids[1]).decode(SubscriptionBody.self)
                #expect(try await subscriptions.send(.delete, "/v1/subscriptions/\(cancelled.id)", token: follower.token).status == .ok)
                let granted = try await subscriptions.send(
                    .post, "/v1/subscriptions/grants", json: ["email": followerEmail, "strategyId": ids[2], "days": 1], token: admin.token
                ).decode(SubscriptionBody.self)

                func urls() async throws -> [String] {
                    let token = try await harness.accounts.token(userId: follower.id, at: harness.clock.now())
                    let response = try await subscriptions.send(
                        .post, "/rest/v1/rpc/get_subscribed_products_urls", json: [String: Any](), token: token,
                        headers: [.apiKey: Self.key]
                    )
                    #expect(response.status == .ok, "\(response.bodyString)")
                    return try #require(try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String])
                }
                #expect(try await Set(urls()) == Set([kept.downloadUrl, granted.downloadUrl].compactMap { $0 }))

                harness.clock.advance(by: 86_400 + 1)
                #expect(try await urls() == [try #require(kept.downloadUrl)], "ended at its end date, swept or not")
                let token = try await harness.accounts.token(userId: follower.id, at: harness.clock.now())

                let startup = try await subscriptions.send(
                    .post, "/rest/v1/rpc/get_startup_info", json: ["bot_id": UUID().uuidString], token: token, headers: [.apiKey: Self.key]
                )
                let rows = try startup.jsonRows()
                #expect(rows.count == 1)
                #expect(rows.first?["subscribed_products_urls"] as? [String] == [try #require(kept.downloadUrl)])
                #expect(rows.first?.keys.contains("forced_profile_url") == true)

                // Arguments the functions do not take, and functions that do not exist.
                let extra = try await subscriptions.send(
                    .post, "/rest/v1/rpc/get_subscribed_products_urls", json: ["user_id": author.id.uuidString], token: token,
                    headers: [.apiKey: Self.key]
                )
                #expect(extra.status == .unprocessableContent)
                let unknown = try await subscriptions.send(
                    .post, "/rest/v1/rpc/delete_everything", json: [String: Any](), token: token, headers: [.apiKey: Self.key]
                )
                #expect(unknown.status == .notFound)
                #expect(try unknown.decode(PostgRESTErrorBody.self).code == "PGRST202")
                let anonymous = try await subscriptions.send(
                    .post, "/rest/v1/rpc/get_subscribed_products_urls", json: [String: Any](), headers: [.apiKey: Self.key, .authorization: "Bearer \(Self.key)"]
                )
                #expect(anonymous.status == .unauthorized)
                #expect(try anonymous.decode(PostgRESTErrorBody.self).code == "PGRST301")
            }
        }
    }
}
