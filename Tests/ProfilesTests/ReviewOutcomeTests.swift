import EventBus
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Messaging
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

/// Moderation outcomes and subscription events reach the profiles service through the real
/// broker: each test has a virtual host of its own and emits events through an outbox or a
/// connection of its own, as the moderation and subscriptions services will.
@Suite("Review outcomes and subscriber counts over the broker", .timeLimit(.minutes(5)))
struct ReviewOutcomeTests {
    func approved(_ id: String, version: Int?, subject: ReviewSubject = .version) -> ModerationCaseApproved {
        ModerationCaseApproved(caseId: UUID(), strategyId: id, subject: subject, version: version, moderatorId: UUID(), note: "fine")
    }

    func rejected(_ id: String, version: Int?, reason: String, subject: ReviewSubject = .version) -> ModerationCaseRejected {
        ModerationCaseRejected(caseId: UUID(), strategyId: id, subject: subject, version: version, moderatorId: UUID(), reason: reason)
    }

    /// A profile strategy whose version 1 was approved over the broker, once it is public.
    func publishedProfile(_ harness: ProfilesHarness, _ client: some TestClientProtocol, author: TestUser) async throws -> String {
        let id = try await client.createStrategyId(author)
        #expect(try await client.upload(try TestZips.profile("daily_trading"), to: id, as: author).status == .created)
        try await harness.emit(approved(id, version: 1))
        try await eventually("the strategy is published") { try await client.send(.get, "/v1/strategies/\(id)").status == .ok }
        return id
    }

    @Test("approval publishes the version; a rejected second version leaves the first one served")
    func approveThenRejectUpdate() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await publishedProfile(harness, client, author: author)
            let published = try await client.strategy(id, as: nil)
            #expect(published["status"] as? String == "published")
            #expect((published["currentVersion"] as? [String: Any])?["number"] as? Int == 1)
            #expect((published["currentVersion"] as? [String: Any])?["status"] as? String == "approved")
            #expect(published["tradingMode"] as? String == "DailyTradingMode")
            #expect(published["exchange"] as? String == "binance")
            #expect(published["pairs"] as? [String] == ["BTC/USDT"])
            #expect(published["publishedAt"] is String)
            #expect(try await harness.outboxCount("strategy.published") == 1)
            let catalog = try await client.send(.get, "/v1/catalog").jsonObject()
            #expect((catalog["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

            #expect(try await client.upload(try TestZips.profile("grid_trading"), to: id, as: author).status == .created)
            #expect(try await client.strategy(id, as: nil)["status"] as? String == "published")
            try await harness.emit(rejected(id, version: 2, reason: "The grid spacing is unsafe."))
            try await eventually("version 2 is rejected") {
                let versions = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token).jsonObject()
                return (versions["items"] as? [[String: Any]])?.first?["status"] as? String == "rejected"
            }
            let versions = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token).jsonObject()
            #expect((versions["items"] as? [[String: Any]])?.first?["rejectionReason"] as? String == "The grid spacing is unsafe.")
            // The public history is the approved version alone; its author sees both.
            let other = try await harness.user("Reader")
            for reader in [nil, other] {
                let listed = try await client.send(.get, "/v1/strategies/\(id)/versions", token: reader?.token).jsonObject()
                #expect((listed["items"] as? [[String: Any]])?.map { $0["number"] as? Int } == [1])
            }
            #expect((versions["items"] as? [[String: Any]])?.map { $0["number"] as? Int } == [2, 1])
            let after = try await client.strategy(id, as: nil)
            #expect(after["status"] as? String == "published")
            #expect(after["rejectionReason"] is NSNull)
            #expect((after["currentVersion"] as? [String: Any])?["number"] as? Int == 1)
            #expect(after["tradingMode"] as? String == "DailyTradingMode")
        }
    }

    @Test("a first version rejected makes the strategy rejected with the reason; a new upload sends it back to review")
    func rejectFirstVersion() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            #expect(try await client.upload(try TestZips.profile("simple_dca"), to: id, as: author).status == .created)
            try await harness.emit(rejected(id, version: 1, reason: "Describe the strategy."))
            try await eventually("the strategy is rejected") {
                try await client.strategy(id, as: author)["status"] as? String == "rejected"
            }
            #expect(try await client.strategy(id, as: author)["rejectionReason"] as? String == "Describe the strategy.")
            try await client.send(.get, "/v1/strategies/\(id)").expectProblem(.notFound)
            #expect(try await client.upload(try TestZips.profile("simple_dca"), to: id, as: author).status == .created)
            let again = try await client.strategy(id, as: author)
            #expect(again["status"] as? String == "pending_review")
            #expect(again["rejectionReason"] is NSNull)
        }
    }

    @Test("approve and reject events delivered twice change the strategy once")
    func duplicates() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        var configuration = try AMQPConfiguration(url: harness.amqpURL)
        configuration.publishTimeout = .seconds(10)
        let emitter = AMQPConnection(name: "test-emitter", configuration: configuration, topology: .astrolab, logger: ProfilesHarness.logger)
        try await harness.app().test(.router) { client in
            try await withServices([emitter], logger: ProfilesHarness.logger) {
                let author = try await harness.user("Author")
                let first = try await client.createStrategyId(author)
                let second = try await client.createStrategyId(author)
                let zip = try TestZips.profile("daily_trading")
                for id in [first, second] { #expect(try await client.upload(zip, to: id, as: author).status == .created) }

                func publish<Event: DomainEvent>(_ event: Event, id messageId: UUID = UUID()) async throws {
                    let message = try OutboxMessage(event, id: messageId, occurredAt: harness.clock.now())
                    try await emitter.publish(
                        OutgoingMessage(exchange: message.exchange, routingKey: message.routingKey, body: message.body, messageId: message.messageId, type: message.type)
                    )
                }
                let approval = approved(first, version: 1)
                let messageId = UUID()
                try await publish(approval, id: messageId)
                try await publish(approval, id: messageId)  // a redelivery: same message id
                try await publish(approved(first, version: 1))  // the same decision sent again under a new id
                try await publish(rejected(first, version: 1, reason: "too late"))  // a stale outcome for a decided version
                // One consumer takes the queue in order: once the last is applied, all before it were.
                try await publish(approved(second, version: 1))
                try await eventually("the sentinel strategy is published") {
                    try await client.send(.get, "/v1/strategies/\(second)").status == .ok
                }
                #expect(try await harness.outboxCount("strategy.published") == 2)
                let strategy = try await client.strategy(first, as: author)
                #expect(strategy["status"] as? String == "published")
                #expect((strategy["currentVersion"] as? [String: Any])?["status"] as? String == "approved")
                #expect(strategy["rejectionReason"] is NSNull)
                #expect(try await harness.database.count("SELECT count(*)::int FROM inbox WHERE consumer = 'profiles.moderation'") == 4)
            }
        }
    }

    @Test("a signal strategy's listing goes through review, and later edits and logo wait for the next one")
    func signalListing() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let other = try await harness.user("Other")
            let id = try await client.createStrategyId(author, name: "BTC signals", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
            let profileId = try await client.createStrategyId(author)
            try await client.send(.post, "/v1/strategies/\(profileId)/submit", token: author.token).expectProblem(.conflict)
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: other.token).expectProblem(.notFound)

            let submitted = try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token)
            #expect(submitted.status == .ok)
            #expect(try submitted.jsonObject()["status"] as? String == "pending_review")
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)
            #expect(try await harness.outboxCount("strategy.listing_submitted") == 1)

            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the listing is published") { try await client.send(.get, "/v1/strategies/\(id)").status == .ok }
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)
            try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "Stolen"], token: other.token).expectProblem(.forbidden)

            // Edits and a new logo on a published strategy wait for review.
            let patched = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "BTC and ETH signals", "pairs": ["BTC/USDT", "ETH/USDT"]], token: author.token).jsonObject()
            #expect(patched["name"] as? String == "BTC signals")
            #expect((patched["pendingChanges"] as? [String: Any])?["name"] as? String == "BTC and ETH signals")
            #expect(try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: LogoTests.png, contentType: "image/png", token: author.token).status == .noContent)
            let publicView = try await client.strategy(id, as: other)
            #expect(publicView["name"] as? String == "BTC signals")
            #expect(publicView["pendingChanges"] == nil)
            #expect(publicView["logoUrl"] is NSNull)
            try await client.send(.get, "/v1/strategies/\(id)/logo").expectProblem(.notFound)

            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            #expect(try await client.strategy(id, as: nil)["status"] as? String == "published")
            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the edits are public") {
                try await client.strategy(id, as: nil)["name"] as? String == "BTC and ETH signals"
            }
            let after = try await client.strategy(id, as: author)
            #expect(after["pairs"] as? [String] == ["BTC/USDT", "ETH/USDT"])
            #expect(after["slug"] as? String == "btc-signals", "the slug stays once published: download URLs end with it")
            #expect(after["pendingChanges"] == nil)
            let logo = try await client.send(.get, "/v1/strategies/\(id)/logo")
            #expect(logo.status == .ok)
            #expect(logo.headers[.cacheControl] == "public, max-age=300")
            #expect(try await harness.outboxCount("strategy.published") == 2)
        }
    }

    @Test("a rejected edit of a published strategy stays in pendingChanges with the reason, never goes live, and the next edit clears the reason")
    func rejectedEdit() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author, name: "BTC signals", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the listing is published") { try await client.send(.get, "/v1/strategies/\(id)").status == .ok }

            // An empty edit changes nothing, so there is nothing to submit.
            #expect(try await client.send(.patch, "/v1/strategies/\(id)", json: [:], token: author.token).status == .ok)
            #expect(try await client.strategy(id, as: author)["pendingChanges"] == nil)
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)

            _ = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "BUY NOW!!!"], token: author.token)
            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            try await harness.emit(rejected(id, version: nil, reason: "Write a name that describes the strategy.", subject: .listing))
            try await eventually("the rejection reaches the strategy") {
                (try await client.strategy(id, as: author)["pendingChanges"] as? [String: Any])?["rejectionReason"] != nil
            }
            let shown = try await client.strategy(id, as: author)
            #expect(shown["name"] as? String == "BTC signals")
            #expect(shown["status"] as? String == "published")
            let pending = try #require(shown["pendingChanges"] as? [String: Any])
            #expect(pending["name"] as? String == "BUY NOW!!!")
            #expect(pending["rejectionReason"] as? String == "Write a name that describes the strategy.")
            #expect(try await client.strategy(id, as: nil)["pendingChanges"] == nil)
            // Submitting the same rejected edit again is refused: it has to change first.
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)

            let revised = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "BTC dip signals"], token: author.token).jsonObject()
            let revisedPending = try #require(revised["pendingChanges"] as? [String: Any])
            #expect(revisedPending["name"] as? String == "BTC dip signals")
            #expect(revisedPending["rejectionReason"] == nil)
            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the revised edit is public") { try await client.strategy(id, as: nil)["name"] as? String == "BTC dip signals" }
            #expect(try await client.strategy(id, as: author)["pendingChanges"] == nil)
        }
    }

    @Test("a take-down hides the strategy for good: the author reads the reason and can change nothing; a second delivery changes nothing")
    func takeDown() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await publishedProfile(harness, client, author: author)
            // A second version waits for review when the take-down comes: it never goes live.
            #expect(try await client.upload(try TestZips.profile("grid_trading"), to: id, as: author).status == .created)

            let takeDown = ModerationStrategyTakenDown(strategyId: id, moderatorId: UUID(), reason: "Impersonates another author.")
            try await harness.emit(takeDown)
            try await eventually("the strategy is taken down") { try await client.send(.get, "/v1/strategies/\(id)").status == .notFound }
            let seen = try await client.strategy(id, as: author)
            #expect(seen["status"] as? String == "taken_down")
            #expect(seen["rejectionReason"] as? String == "Impersonates another author.")
            let catalog = try await client.send(.get, "/v1/catalog").jsonObject()
            #expect((catalog["items"] as? [Any])?.isEmpty == true)
            let versions = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token).jsonObject()
            #expect((versions["items"] as? [[String: Any]])?.map { $0["status"] as? String } == ["superseded", "approved"])
            #expect(try await harness.outboxCount(StrategyTakenDown.type) == 1)

            // Frozen: every change is a 409 that says why, and nothing changes.
            let refused = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "Renamed"], token: author.token).expectProblem(.conflict)
            #expect((refused["detail"] as? String)?.contains("Impersonates another author.") == true)
            try await client.send(.post, "/v1/strategies/\(id)/versions", bytes: try TestZips.profile("simple_dca"), contentType: "application/zip", token: author.token)
                .expectProblem(.conflict)
            try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: LogoTests.png, contentType: "image/png", token: author.token).expectProblem(.conflict)

            // A late approval and the same take-down again: still taken down, one event.
            try await harness.emit(approved(id, version: 2))
            try await harness.emit(takeDown)
            try await eventually("both late events are applied") {
                try await harness.database.count("SELECT count(*)::int FROM inbox WHERE consumer = 'profiles.moderation'") == 4
            }
            #expect(try await client.strategy(id, as: author)["status"] as? String == "taken_down")
            #expect(try await client.strategy(id, as: author)["name"] as? String != "Renamed")
            #expect(try await harness.outboxCount(StrategyTakenDown.type) == 1)
        }
    }

    @Test("subscriber counts follow subscription events")
    func subscriberCounts() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
            let (first, second) = (UUID(), UUID())
            try await harness.emit(SubscriptionStarted(subscriptionId: first, userId: UUID(), strategyId: id))
            try await harness.emit(SubscriptionStarted(subscriptionId: second, userId: UUID(), strategyId: id))
            try await harness.emit(SubscriptionEnded(subscriptionId: first, userId: UUID(), strategyId: id, reason: .cancelled))
            try await eventually("three subscription events are applied") {
                try await harness.database.count("SELECT count(*)::int FROM inbox WHERE consumer = 'profiles.subscriptions'") == 3
            }
            #expect(try await client.strategy(id, as: author)["subscriberCount"] as? Int == 1)
        }
    }
}
