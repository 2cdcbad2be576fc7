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
    func openCases(_ client: some TestClientProtocol, admin: TestUser, strategyId: String) async throws -> [[String: Any]] {
        let list = try await client.send(.get, "/v1/moderation/cases?status=open", token: admin.token).jsonObject()
        return (list["items"] as? [[String: Any]] ?? []).filter { $0["strategyId"] as? String == strategyId }
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
                let caseId = try #require(opened["id"] as? String)
                #expect(opened["subject"] as? String == "version")
                #expect(opened["version"] as? Int == 1)
                #expect(opened["strategyName"] as? String == "Daily BTC")
                let checks = try #require(opened["checks"] as? [[String: Any]])
                #expect(Set(checks.compactMap { $0["name"] as? String }).isSuperset(of: ["profile validated", "description", "logo present", "author account age"]))
                #expect(checks.first { $0["name"] as? String == "profile validated" }?["detail"] as? String != nil)

                let approved = try await moderation.send(.post, "/v1/moderation/cases/\(caseId)/approve", json: ["note": "Looks good"], token: admin.token)
                #expect(approved.status == .ok, "\(approved.bodyString)")
                #expect(try approved.jsonObject()["status"] as? String == "approved")
                #expect((try approved.jsonObject()["moderator"] as? [String: Any])?["displayName"] as? String == "Admin")
                try await eventually("the strategy is published") { try await profiles.send(.get, "/v1/strategies/\(id)").status == .ok }
                let catalog = try await profiles.send(.get, "/v1/catalog").jsonObject()
                #expect((catalog["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])

                #expect(try await profiles.upload(try TestZips.profile("grid_trading"), to: id, as: author).status == .created)
                try await eventually("a case opens for version 2") { try await openCases(moderation, admin: admin, strategyId: id).count == 1 }
                let second = try #require(try await openCases(moderation, admin: admin, strategyId: id).first?["id"] as? String)
                try await moderation.send(.post, "/v1/moderation/cases/\(second)/reject", json: ["reason": "   "], token: admin.token)
                    .expectProblem(.unprocessableContent)
                let rejected = try await moderation.send(.post, "/v1/moderation/cases/\(second)/reject", json: ["reason": "The grid spacing is unsafe."], token: admin.token)
                #expect(rejected.status == .ok)
                try await eventually("the author sees the reason") {
                    let versions = try await profiles.send(.get, "/v1/strategies/\(id)/versions", token: author.token).jsonObject()
                    return (versions["items"] as? [[String: Any]])?.first?["rejectionReason"] as? String == "The grid spacing is unsafe."
                }
                let strategy = try await profiles.strategy(id, as: nil)
                #expect(strategy["status"] as? String == "published")
                #expect((strategy["currentVersion"] as? [String: Any])?["number"] as? Int == 1)
                #expect(strategy["tradingMode"] as? String == "DailyTradingMode")

                // History: both cases, oldest first, with their decisions; the audit has both.
                let history = try await moderation.send(.get, "/v1/moderation/cases?status=", token: admin.token).jsonObject()
                let cases = (history["items"] as? [[String: Any]] ?? []).filter { $0["strategyId"] as? String == id }
                #expect(cases.map { $0["status"] as? String } == ["approved", "rejected"])
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
                    func cases(of strategyId: String) async throws -> [[String: Any]] {
                        let all = try await moderation.send(.get, "/v1/moderation/cases?status=", token: admin.token).jsonObject()
                        return (all["items"] as? [[String: Any]] ?? []).filter { $0["strategyId"] as? String == strategyId }
                    }
                    let id = try await profiles.createStrategyId(author)
                    for fixture in ["simple_dca", "grid_trading"] {
                        #expect(try await profiles.upload(try TestZips.profile(fixture), to: id, as: author).status == .created)
                    }
                    try await eventually("the case of version 2 is open") {
                        try await cases(of: id).contains { $0["version"] as? Int == 2 && $0["status"] as? String == "open" }
                    }
                    let history = try await cases(of: id)
                    #expect(history.map { $0["status"] as? String } == ["superseded", "open"])
                    #expect(history.map { $0["version"] as? Int } == [1, 2])
                    #expect(history.first?["supersededBy"] as? String == history.last?["id"] as? String)
                    try await moderation.send(.post, "/v1/moderation/cases/\(try #require(history.first?["id"] as? String))/approve", json: [:], token: admin.token)
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
