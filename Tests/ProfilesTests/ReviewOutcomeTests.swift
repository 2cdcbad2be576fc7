import APIShapes
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

    /// Strategy `id` as `reader` reads it, with its member names: API.md leaves `pendingChanges` out,
    /// not null, when there is nothing to show, and only the names tell a missing member from a null one.
    func strategyAndMembers(_ id: String, as reader: TestUser?, _ client: some TestClientProtocol) async throws -> (body: StrategyBody, members: StrategyMembers) {
        let response = try await client.send(.get, "/v1/strategies/\(id)", token: reader?.token)
        #expect(response.status == .ok, "get strategy: \(response.bodyString)")
        let body = try response.decode(StrategyBody.self)
        let members = try response.decode(StrategyMembers.self)
        return (body, members)
    }

    @Test("approval publishes the version; a rejected second version leaves the first one served")
    func approveThenRejectUpdate() async throws {
        let harness = try await ProfilesHarness.make(isolatedBroker: true)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await publishedProfile(harness, client, author: author)
            let published = try await client.strategy(id, as: nil)
            #expect(published.status == "published")
            #expect(published.currentVersion?.number == 1)
            #expect(published.currentVersion?.status == "approved")
            #expect(published.tradingMode == "DailyTradingMode")
            #expect(published.exchange == "binance")
            #expect(published.pairs == ["BTC/USDT"])
            #expect(published.publishedAt != nil)
            #expect(try await harness.outboxCount("strategy.published") == 1)
            let catalog = try await client.send(.get, "/v1/catalog").decode(Page<StrategyBody>.self)
            #expect(catalog.items.map(\.id) == [id])

            #expect(try await client.upload(try TestZips.profile("grid_trading"), to: id, as: author).status == .created)
            #expect(try await client.strategy(id, as: nil).status == "published")
            try await harness.emit(rejected(id, version: 2, reason: "The grid spacing is unsafe."))
            try await eventually("version 2 is rejected") {
                let versions = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token).decode(Page<VersionBody>.self)
                return versions.items.first?.status == "rejected"
            }
            let versions = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token).decode(Page<VersionBody>.self)
            #expect(versions.items.first?.rejectionReason == "The grid spacing is unsafe.")
            // The public history is the approved version alone; its author sees both.
            let other = try await harness.user("Reader")
            for reader in [nil, other] {
                let listed = try await client.send(.get, "/v1/strategies/\(id)/versions", token: reader?.token).decode(Page<VersionBody>.self)
                #expect(listed.items.map(\.number) == [1])
            }
            #expect(versions.items.map(\.number) == [2, 1])
            let after = try await client.strategy(id, as: nil)
            #expect(after.status == "published")
            #expect(after.rejectionReason == nil)
            #expect(after.currentVersion?.number == 1)
            #expect(after.tradingMode == "DailyTradingMode")
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
                try await client.strategy(id, as: author).status == "rejected"
            }
            #expect(try await client.strategy(id, as: author).rejectionReason == "Describe the strategy.")
            try await client.send(.get, "/v1/strategies/\(id)").expectProblem(.notFound)
            #expect(try await client.upload(try TestZips.profile("simple_dca"), to: id, as: author).status == .created)
            let again = try await client.strategy(id, as: author)
            #expect(again.status == "pending_review")
            #expect(again.rejectionReason == nil)
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
                #expect(strategy.status == "published")
                #expect(strategy.currentVersion?.status == "approved")
                #expect(strategy.rejectionReason == nil)
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
            #expect(try submitted.decode(StrategyBody.self).status == "pending_review")
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)
            #expect(try await harness.outboxCount("strategy.listing_submitted") == 1)

            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the listing is published") { try await client.send(.get, "/v1/strategies/\(id)").status == .ok }
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)
            try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "Stolen"], token: other.token).expectProblem(.forbidden)

            // Edits and a new logo on a published strategy wait for review.
            let patched = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "BTC and ETH signals", "pairs": ["BTC/USDT", "ETH/USDT"]], token: author.token).decode(StrategyBody.self)
            #expect(patched.name == "BTC signals")
            #expect(patched.pendingChanges?.name == "BTC and ETH signals")
            #expect(try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: LogoTests.png, contentType: "image/png", token: author.token).status == .noContent)
            let (publicView, publicMembers) = try await strategyAndMembers(id, as: other, client)
            #expect(publicView.name == "BTC signals")
            #expect(!publicMembers.names.contains("pendingChanges"))
            #expect(publicView.logoUrl == nil)
            try await client.send(.get, "/v1/strategies/\(id)/logo").expectProblem(.notFound)

            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            #expect(try await client.strategy(id, as: nil).status == "published")
            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the edits are public") {
                try await client.strategy(id, as: nil).name == "BTC and ETH signals"
            }
            let (after, afterMembers) = try await strategyAndMembers(id, as: author, client)
            #expect(after.pairs == ["BTC/USDT", "ETH/USDT"])
            #expect(after.slug == "btc-signals", "the slug stays once published: download URLs end with it")
            #expect(!afterMembers.names.contains("pendingChanges"))
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
            #expect(try await strategyAndMembers(id, as: author, client).members.names.contains("pendingChanges") == false)
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)

            _ = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "BUY NOW!!!"], token: author.token)
            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            try await harness.emit(rejected(id, version: nil, reason: "Write a name that describes the strategy.", subject: .listing))
            try await eventually("the rejection reaches the strategy") {
                try await strategyAndMembers(id, as: author, client).members.pendingChanges?.contains("rejectionReason") == true
            }
            let shown = try await client.strategy(id, as: author)
            #expect(shown.name == "BTC signals")
            #expect(shown.status == "published")
            let pending = try #require(shown.pendingChanges)
            #expect(pending.name == "BUY NOW!!!")
            #expect(pending.rejectionReason == "Write a name that describes the strategy.")
            #expect(try await strategyAndMembers(id, as: nil, client).members.names.contains("pendingChanges") == false)
            // Submitting the same rejected edit again is refused: it has to change first.
            try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).expectProblem(.conflict)

            let revised = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "BTC dip signals"], token: author.token)
            let revisedPending = try #require(try revised.decode(StrategyBody.self).pendingChanges)
            #expect(revisedPending.name == "BTC dip signals")
            // Left out, not null: only the member names tell.
            #expect(try revised.decode(StrategyMembers.self).pendingChanges?.contains("rejectionReason") == false)
            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            try await harness.emit(approved(id, version: nil, subject: .listing))
            try await eventually("the revised edit is public") { try await client.strategy(id, as: nil).name == "BTC dip signals" }
            #expect(try await strategyAndMembers(id, as: author, client).members.names.contains("pendingChanges") == false)
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
            #expect(seen.status == "taken_down")
            #expect(seen.rejectionReason == "Impersonates another author.")
            let catalog = try await client.send(.get, "/v1/catalog").decode(Page<StrategyBody>.self)
            #expect(catalog.items.isEmpty)
            let versions = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token).decode(Page<VersionBody>.self)
            #expect(versions.items.map(\.status) == ["superseded", "approved"])
            #expect(try await harness.outboxCount(StrategyTakenDown.type) == 1)

            // Frozen: every change is a 409 that says why, and nothing changes.
            let refused = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "Renamed"], token: author.token).expectProblem(.conflict)
            #expect(refused.detail.contains("Impersonates another author."))
            try await client.send(.post, "/v1/strategies/\(id)/versions", bytes: try TestZips.profile("simple_dca"), contentType: "application/zip", token: author.token)
                .expectProblem(.conflict)
            try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: LogoTests.png, contentType: "image/png", token: author.token).expectProblem(.conflict)

            // A late approval and the same take-down again: still taken down, one event.
            try await harness.emit(approved(id, version: 2))
            try await harness.emit(takeDown)
            try await eventually("both late events are applied") {
                try await harness.database.count("SELECT count(*)::int FROM inbox WHERE consumer = 'profiles.moderation'") == 4
            }
            #expect(try await client.strategy(id, as: author).status == "taken_down")
            #expect(try await client.strategy(id, as: author).name != "Renamed")
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
            #expect(try await client.strategy(id, as: author).subscriberCount == 1)
        }
    }
}
