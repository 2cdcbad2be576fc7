import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import PostgresNIO
import TestSupport
import Testing

@Suite("Taking a published strategy down", .timeLimit(.minutes(5)))
struct TakeDownTests {
    @Test("only admins, only published strategies, a reason required, once; the open case closes and profiles hides the strategy")
    func takeDown() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        let second = try await harness.user("Second admin", admin: true)
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.moderationApp().test(.router) { moderation in
                let id = try await profiles.createStrategyId(author, name: "Copied strategy", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                #expect(try await profiles.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                try await eventually("the case opens") {
                    try await harness.count("SELECT count(*)::int FROM review_cases WHERE strategy_id = \(id) AND status = 'open'") == 1
                }
                let caseId = try #require(try await harness.database.withClient { client in
                    try await client.query("SELECT id FROM review_cases WHERE strategy_id = \(id) AND status = 'open'").collect().first?.decode(UUID.self)
                })
                func takeDown(_ reason: Any, as user: TestUser?) async throws -> TestResponse {
                    try await moderation.send(.post, "/v1/moderation/strategies/\(id)/take-down", json: ["reason": reason], token: user?.token)
                }
                // Under its first review it is not public: reject the case instead.
                let early = try await takeDown("Too early.", as: admin).expectProblem(.conflict)
                #expect(early.detail.contains("published"))
                #expect(try await moderation.send(.post, "/v1/moderation/cases/\(caseId)/approve", json: [:], token: admin.token).status == .ok)
                try await eventually("the strategy is published") { try await profiles.send(.get, "/v1/strategies/\(id)").status == .ok }
                // An edit waits for review: a case is open when the take-down comes.
                #expect(try await profiles.send(.patch, "/v1/strategies/\(id)", json: ["name": "Copied strategy v2"], token: author.token).status == .ok)
                #expect(try await profiles.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                try await eventually("the edit's case is open") {
                    try await harness.count("SELECT count(*)::int FROM review_cases WHERE strategy_id = \(id) AND status = 'open'") == 1
                }

                try await takeDown("Copies a paid strategy.", as: nil).expectProblem(.unauthorized)
                try await takeDown("Copies a paid strategy.", as: author).expectProblem(.forbidden)
                try await takeDown("   ", as: admin).expectProblem(.unprocessableContent)
                try await takeDown(42, as: admin).expectProblem(.unprocessableContent)
                try await takeDown(String(repeating: "x", count: 2001), as: admin).expectProblem(.unprocessableContent)
                try await moderation.send(.post, "/v1/moderation/strategies/\(id)/take-down", bytes: Array("{".utf8), contentType: "application/json", token: admin.token)
                    .expectProblem(.badRequest)
                try await moderation.send(.post, "/v1/moderation/strategies/nosuchthing/take-down", json: ["reason": "x"], token: admin.token)
                    .expectProblem(.notFound)
                try await moderation.send(.post, "/v1/moderation/strategies/..%2F..%2Fetc/take-down", json: ["reason": "x"], token: admin.token)
                    .expectProblem(.notFound)
                #expect(try await harness.count("SELECT count(*)::int FROM strategy_takedowns") == 0)

                // Two admins at once: exactly one take-down is recorded.
                async let first = takeDown("Copies a paid strategy.", as: admin)
                async let other = takeDown("Duplicate of another listing.", as: second)
                let answers = try await [first, other]
                #expect(answers.map(\.status).sorted { $0.code < $1.code } == [.ok, .conflict])
                // `takenDownAt` is a non-optional String of the shape: the decoding checks it is one.
                let taken = try #require(answers.first { $0.status == .ok }).decode(TakeDownBody.self)
                #expect(taken.strategyId == id)
                #expect(["Copies a paid strategy.", "Duplicate of another listing."].contains(taken.reason))
                #expect(try await harness.count("SELECT count(*)::int FROM strategy_takedowns") == 1)
                #expect(try await harness.count("SELECT count(*)::int FROM review_cases WHERE strategy_id = \(id) AND status = 'open'") == 0)
                #expect(try await harness.count("SELECT count(*)::int FROM moderation_events WHERE type = 'moderation.strategy_taken_down'") == 1)

                try await eventually("profiles hides it") { try await profiles.send(.get, "/v1/strategies/\(id)").status == .notFound }
                let seen = try await profiles.strategy(id, as: author)
                #expect(seen.status == "taken_down")
                #expect(seen.rejectionReason == taken.reason)
                try await takeDown("Again.", as: admin).expectProblem(.conflict)
            }
        }
    }
}
