import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import PostgresNIO
import TestSupport
import Testing

@Suite("A take-down ends a strategy's subscriptions", .timeLimit(.minutes(5)))
struct TakeDownTests {
    @Test("moderation's take-down → profiles hides the strategy → every subscription ends `taken_down`, URLs die, nobody subscribes again")
    func takeDownEndsSubscriptions() async throws {
        let harness = try await SubscriptionsHarness.make(isolatedBroker: true)
        let author = try await harness.user("Author")
        let followers = [try await harness.user("First"), try await harness.user("Second")]
        let bystander = try await harness.user("Bystander")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                let id = try await profiles.createStrategyId(author, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                let other = try await profiles.createStrategyId(author, name: "Kept", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                for strategy in [id, other] {
                    #expect(try await profiles.send(.post, "/v1/strategies/\(strategy)/submit", token: author.token).status == .ok)
                    try await harness.approve(strategy, subject: .listing)
                }
                var urls: [String] = []
                for follower in followers {
                    let subscription = try await subscriptions.subscribe(follower, to: id).decode(SubscriptionBody.self)
                    urls.append(try #require(subscription.downloadUrl))
                }
                let kept = try await subscriptions.subscribe(bystander, to: other).decode(SubscriptionBody.self)

                // What the moderation service commits with its take-down record.
                try await harness.database.withClient { client in
                    try await client.withTransaction(logger: SubscriptionsHarness.logger) { connection in
                        try await Outbox.enqueue(
                            ModerationStrategyTakenDown(strategyId: id, moderatorId: UUID(), reason: "Copies a paid strategy."),
                            occurredAt: harness.clock.now(), on: connection, logger: SubscriptionsHarness.logger
                        )
                    }
                }
                try await eventually("both subscriptions end") {
                    try await harness.count("SELECT count(*)::int FROM subscriptions WHERE strategy_id = \(id) AND status = 'taken_down'") == 2
                }
                for (follower, url) in zip(followers, urls) {
                    let listed = try await subscriptions.send(.get, "/v1/subscriptions", token: follower.token).decode(Page<SubscriptionBody>.self)
                    let mine = try #require(listed.items.first)
                    #expect(mine.status == "taken_down")
                    #expect(mine.downloadUrl == nil)
                    #expect(mine.endedAt != nil)
                    try await profiles.send(.get, url.downloadPath).expectProblem(.notFound)
                    // Ended otherwise than by its user: listed, and cancelling it is a conflict.
                    try await subscriptions.send(.delete, "/v1/subscriptions/\(mine.id)", token: follower.token)
                        .expectProblem(.conflict)
                }
                #expect(
                    try await harness.count(
                        "SELECT count(*)::int FROM outbox WHERE type = 'subscription.ended' AND convert_from(body, 'UTF8')::jsonb->'data'->>'reason' = 'taken_down'"
                    ) == 2
                )
                try await subscriptions.subscribe(followers[0], to: id).expectProblem(.notFound)
                // Another strategy's subscription is untouched.
                let untouched = try await subscriptions.send(.get, "/v1/subscriptions/\(kept.id)", token: bystander.token)
                #expect(try untouched.decode(SubscriptionBody.self).status == "active")
                try await eventually("the subscriber count follows") { try await profiles.strategy(id, as: author).subscriberCount == 0 }
            }
        }
    }
}
