import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@Suite("Strategies: creation, visibility, edits", .timeLimit(.minutes(3)))
struct StrategyTests {
    @Test("a new strategy is a draft with a URL-safe identifier and a slug from its name")
    func create() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Ada")
            let created = try await client.createStrategy(author, name: "  BTC Dip-Hunter (v2)! ", kind: "profile")
            let id = created.id
            #expect(StrategyID.isValid(id) && id.count == 10)
            #expect(created.slug == "btc-dip-hunter-v2")
            #expect(created.name == "BTC Dip-Hunter (v2)!")
            #expect(created.status == "draft")
            #expect(created.kind == "profile")
            #expect(created.currentVersion == nil)
            #expect(created.rejectionReason == nil)
            #expect(created.exchange == nil)
            #expect(created.author.displayName == "Ada")
            #expect(try await harness.outboxCount("strategy.created") == 1)

            let signals = try await client.createStrategy(author, name: "Signals", kind: "signals", exchange: "binance", pairs: ["BTC/USDT", "ETH/USDT:USDT"])
            #expect(signals.exchange == "binance")
            #expect(signals.exchanges == ["binance"])
            #expect(signals.pairs == ["BTC/USDT", "ETH/USDT:USDT"])
            #expect(signals.tradingMode == nil)
        }
    }

    @Test("invalid creation bodies are 422 naming each field, and change nothing")
    func invalidCreate() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Ada")
            let problem = try await client.send(.post, "/v1/strategies", json: ["name": "", "kind": "futures", "pairs": ["btc-usdt"]], token: author.token)
                .expectProblem(.unprocessableContent)
            let fields = Set((problem.errors ?? []).compactMap(\.field))
            #expect(fields == ["name", "description", "kind", "pairs[0]"])
            let signals = try await client.send(.post, "/v1/strategies", json: ["name": "S", "description": "", "kind": "signals"], token: author.token)
                .expectProblem(.unprocessableContent)
            #expect(Set((signals.errors ?? []).compactMap(\.field)) == ["exchange", "pairs"])
            try await client.send(.post, "/v1/strategies", json: ["name": "P", "description": "", "kind": "profile", "exchange": "binance"], token: author.token)
                .expectProblem(.unprocessableContent)
            // A line break after the value is not part of an exchange id or a symbol.
            let trailing = try await client.send(
                .post, "/v1/strategies", json: ["name": "S", "description": "", "kind": "signals", "exchange": "binance\n", "pairs": ["BTC/USDT\n"]], token: author.token
            ).expectProblem(.unprocessableContent)
            #expect(Set((trailing.errors ?? []).compactMap(\.field)).isSuperset(of: ["exchange", "pairs[0]"]))
            // Control characters, inside or at either end, are refused; a description keeps its line breaks and tabs.
            for (name, description) in [("Bell\u{07}", "ok"), ("\u{1B}[31mRed", "ok"), ("Fine", "NUL\u{00}inside"), ("Fine", "C1 \u{85}"), ("Line\nbreak", "ok")] {
                let refused = try await client.send(.post, "/v1/strategies", json: ["name": name, "description": description, "kind": "profile"], token: author.token)
                    .expectProblem(.unprocessableContent)
                #expect(refused.errors?.count == 1)
            }
            #expect(try await client.send(.post, "/v1/strategies", json: ["name": "Fine", "description": "Two\n\nparagraphs,\ta tab.", "kind": "profile"], token: author.token).status == .created)
            try await client.send(.post, "/v1/strategies", json: ["name": "P", "description": "", "kind": "profile"]).expectProblem(.unauthorized)
            try await client.send(.post, "/v1/strategies", bytes: Array("{not json".utf8), contentType: "application/json", token: author.token)
                .expectProblem(.badRequest)
            #expect(try await harness.database.count("SELECT count(*)::int FROM strategies") == 1)
        }
    }

    @Test("a draft is visible to its author and admins only; others and anonymous get 404")
    func draftVisibility() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let other = try await harness.user("Other")
            let admin = try await harness.user("Admin", admin: true)
            let id = try await client.createStrategyId(author)
            #expect(try await client.send(.get, "/v1/strategies/\(id)", token: author.token).status == .ok)
            #expect(try await client.send(.get, "/v1/strategies/\(id)", token: admin.token).status == .ok)
            try await client.send(.get, "/v1/strategies/\(id)", token: other.token).expectProblem(.notFound)
            try await client.send(.get, "/v1/strategies/\(id)").expectProblem(.notFound)
            try await client.send(.get, "/v1/strategies/nosuchstrategy").expectProblem(.notFound)
            try await client.send(.get, "/v1/strategies/..%2F..%2Fetc").expectProblem(.notFound)
            // Others cannot change it either, and learn nothing from trying.
            try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "Mine now"], token: other.token).expectProblem(.notFound)
            try await client.send(.post, "/v1/strategies/\(id)/versions", bytes: try TestZips.profile("daily_trading"), contentType: "application/zip", token: other.token)
                .expectProblem(.notFound)
            try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: LogoTests.png, contentType: "image/png", token: other.token).expectProblem(.notFound)
            try await client.send(.get, "/v1/strategies/\(id)/versions", token: other.token).expectProblem(.notFound)
            let catalog = try await client.send(.get, "/v1/catalog").decode(Page<StrategyBody>.self)
            #expect(catalog.items.isEmpty)
        }
    }

    @Test("the author edits a draft at once; the slug follows the name until publication")
    func patchDraft() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
            let patched = try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "ETH scalper", "pairs": ["ETH/USDT"], "exchange": "kucoin"], token: author.token)
            #expect(patched.status == .ok, "\(patched.bodyString)")
            let body = try patched.decode(StrategyBody.self)
            #expect(body.name == "ETH scalper")
            #expect(body.slug == "eth-scalper")
            #expect(body.pairs == ["ETH/USDT"])
            #expect(body.exchange == "kucoin")
            try await client.send(.patch, "/v1/strategies/\(id)", json: ["pairs": []], token: author.token).expectProblem(.unprocessableContent)
            try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": 42], token: author.token).expectProblem(.unprocessableContent)

            let profileId = try await client.createStrategyId(author)
            // Valid pairs, but a profile strategy's come from its profile: a conflict with its kind.
            let refused = try await client.send(.patch, "/v1/strategies/\(profileId)", json: ["pairs": ["BTC/USDT"]], token: author.token)
                .expectProblem(.conflict)
            #expect(refused.detail.contains("profile strategy"))
        }
    }

    @Test("an admin may read but not edit someone else's strategy")
    func adminCannotEdit() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let admin = try await harness.user("Admin", admin: true)
            let id = try await client.createStrategyId(author)
            try await client.send(.patch, "/v1/strategies/\(id)", json: ["name": "x"], token: admin.token).expectProblem(.forbidden)
            #expect(try await client.send(.get, "/v1/strategies/\(id)/versions", token: admin.token).status == .ok)
        }
    }
}
