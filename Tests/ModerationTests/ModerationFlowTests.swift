import APIShapes
import EventBus
import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@Suite("Moderation end to end through profiles, the broker and moderation", .timeLimit(.minutes(5)))
struct ModerationFlowTests {
    func openCases(_ client: some TestClientProtocol, admin: TestUser, strategyId: String) async throws -> [CaseBody] {
        let list = try await client.send(.get, "/v1/moderation/cases?status=open", token: admin.token).decode(Page<CaseBody>.self)
        return list.items.filter { $0.strategyId == strategyId }
    }

    @Test("upload → case → approve → published; second version → case → reject → first version still served, reason shown")
    func approveThenReject() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.moderationApp().test(.router) { moderation in
                let id = try await profiles.createStrategyId(author, name: "Daily BTC")
                #expect(try await profiles.upload(try OctoBotFixtures.data("exports/daily_trading_export.zip"), to: id, as: author).status == .created)

                try await eventually("a case opens for version 1") { try await openCases(moderation, admin: admin, strategyId: id).count == 1 }
                let opened = try #require(try await openCases(moderation, admin: admin, strategyId: id).first)
                let caseId = opened.id
                #expect(opened.subject == "version")
                #expect(opened.version == 1)
                #expect(opened.strategyName == "Daily BTC")
                let checks = opened.checks
                #expect(Set(checks.map(\.name)).isSuperset(of: ["profile validated", "description", "logo present", "author account age"]))
                #expect(checks.first { $0.name == "profile validated" }?.detail != nil)

                let approved = try await moderation.send(.post, "/v1/moderation/cases/\(caseId)/approve", json: ["note": "Looks good"], token: admin.token)
                #expect(approved.status == .ok, "\(approved.bodyString)")
                let decision = try approved.decode(CaseBody.self)
                #expect(decision.status == "approved")
                #expect(decision.moderator?.displayName == "Admin")
                try await eventually("the strategy is published") { try await profiles.send(.get, "/v1/strategies/\(id)").status == .ok }
                let catalog = try await profiles.send(.get, "/v1/catalog").decode(Page<StrategyBody>.self)
                #expect(catalog.items.map(\.id) == [id])

                #expect(try await profiles.upload(try TestZips.profile("grid_trading"), to: id, as: author).status == .created)
                try await eventually("a case opens for version 2") { try await openCases(moderation, admin: admin, strategyId: id).count == 1 }
                let second = try #require(try await openCases(moderation, admin: admin, strategyId: id).first?.id)
                try await moderation.send(.post, "/v1/moderation/cases/\(second)/reject", json: ["reason": "   "], token: admin.token)
                    .expectProblem(.unprocessableContent)
                let rejected = try await moderation.send(.post, "/v1/moderation/cases/\(second)/reject", json: ["reason": "The grid spacing is unsafe."], token: admin.token)
                #expect(rejected.status == .ok)
                try await eventually("the author sees the reason") {
                    let versions = try await profiles.send(.get, "/v1/strategies/\(id)/versions", token: author.token).decode(Page<VersionBody>.self)
                    return versions.items.first?.rejectionReason == "The grid spacing is unsafe."
                }
                let strategy = try await profiles.strategy(id, as: nil)
                #expect(strategy.status == "published")
                #expect(strategy.currentVersion?.number == 1)
                #expect(strategy.tradingMode == "DailyTradingMode")

                // History: both cases, oldest first, with their decisions; the audit has both.
                let history = try await moderation.send(.get, "/v1/moderation/cases?status=", token: admin.token).decode(Page<CaseBody>.self)
                let cases = history.items.filter { $0.strategyId == id }
                #expect(cases.map(\.status) == ["approved", "rejected"])
                #expect(try await harness.count("SELECT count(*)::int FROM moderation_decisions") == 2)
            }
        }
    }

    @Test("a newer submission supersedes the open case; the same submission delivered twice opens one case")
    func supersedeAndDuplicates() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        var configuration = try AMQPConfiguration(url: harness.amqpURL)
        configuration.publishTimeout = .seconds(10)
        let emitter = AMQPConnection(name: "test-emitter", configuration: configuration, topology: .astrolab, logger: ModerationHarness.logger)
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.moderationApp().test(.router) { moderation in
                try await withServices([emitter], logger: ModerationHarness.logger) {
                    func cases(of strategyId: String) async throws -> [CaseBody] {
                        let all = try await moderation.send(.get, "/v1/moderation/cases?status=", token: admin.token).decode(Page<CaseBody>.self)
                        return all.items.filter { $0.strategyId == strategyId }
                    }
                    let id = try await profiles.createStrategyId(author)
                    for fixture in ["simple_dca", "grid_trading"] {
                        #expect(try await profiles.upload(try TestZips.profile(fixture), to: id, as: author).status == .created)
                    }
                    try await eventually("the case of version 2 is open") {
                        try await cases(of: id).contains { $0.version == 2 && $0.status == "open" }
                    }
                    let history = try await cases(of: id)
                    #expect(history.map(\.status) == ["superseded", "open"])
                    #expect(history.map(\.version) == [1, 2])
                    #expect(history.first?.supersededBy == history.last?.id)
                    try await moderation.send(.post, "/v1/moderation/cases/\(try #require(history.first?.id))/approve", json: [:], token: admin.token)
                        .expectProblem(.conflict)

                    // The same event twice (a redelivery keeps its message id), then a sentinel:
                    // one consumer takes the queue in order, so once the sentinel's case is open
                    // both copies were handled.
                    let signals = try await profiles.createStrategyId(author, name: "Signals", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                    let sentinel = try await profiles.createStrategyId(author, name: "Sentinel", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                    func publish(_ event: StrategyListingSubmitted, id messageId: UUID) async throws {
                        let message = try OutboxMessage(event, id: messageId, occurredAt: harness.clock.now())
                        try await emitter.publish(
                            OutgoingMessage(exchange: message.exchange, routingKey: message.routingKey, body: message.body, messageId: message.messageId, type: message.type)
                        )
                    }
                    let messageId = UUID()
                    try await publish(StrategyListingSubmitted(strategyId: signals, authorId: author.id), id: messageId)
                    try await publish(StrategyListingSubmitted(strategyId: signals, authorId: author.id), id: messageId)
                    try await publish(StrategyListingSubmitted(strategyId: sentinel, authorId: author.id), id: UUID())
                    try await eventually("the sentinel's case is open") { try await !cases(of: sentinel).isEmpty }
                    #expect(try await cases(of: signals).count == 1)
                }
            }
        }
    }
}
