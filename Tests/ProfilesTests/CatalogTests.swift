import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@Suite("The catalog", .timeLimit(.minutes(3)))
struct CatalogTests {
    /// Publishes signal strategies one second apart (oldest first); returns their ids.
    func publish(_ specs: [(name: String, exchange: String, pairs: [String])], harness: ProfilesHarness, client: some TestClientProtocol, author: TestUser) async throws -> [String] {
        var ids: [String] = []
        for spec in specs {
            let id = try await client.createStrategyId(author, name: spec.name, kind: "signals", exchange: spec.exchange, pairs: spec.pairs)
            #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
            try await harness.approveDirectly(id, subject: .listing)
            harness.clock.advance(by: 1)
            ids.append(id)
        }
        return ids
    }

    func catalogPage(_ response: TestResponse) throws -> Page<StrategyBody> {
        #expect(response.status == .ok, "\(response.bodyString)")
        return try response.decode(Page<StrategyBody>.self)
    }

    func ids(_ response: TestResponse) throws -> [String] {
        try catalogPage(response).items.map(\.id)
    }

    @Test("only published strategies are listed, newest first, filtered by text, kind, exchange and pair")
    func filters() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let ids = try await publish(
                [("BTC dip hunter", "binance", ["BTC/USDT"]), ("ETH grid 100%", "kucoin", ["ETH/USDT"]), ("Alt basket", "binance", ["SOL/USDT", "ETH/USDT"])],
                harness: harness, client: client, author: author
            )
            _ = try await client.createStrategyId(author, name: "BTC draft")

            #expect(try self.ids(await client.send(.get, "/v1/catalog")) == ids.reversed())
            #expect(try self.ids(await client.send(.get, "/v1/catalog?q=btc")) == [ids[0]])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?q=100%25")) == [ids[1]])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?q=_")) == [])
            // As forms and URLSearchParams write it: `+` is a space, `%2B` a plus.
            #expect(try self.ids(await client.send(.get, "/v1/catalog?q=dip+hunter")) == [ids[0]])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?q=dip%2Bhunter")) == [])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?exchange=binance")) == [ids[2], ids[0]])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?pair=eth/usdt")) == [ids[2], ids[1]])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?kind=profile")) == [])
            #expect(try self.ids(await client.send(.get, "/v1/catalog?kind=signals&exchange=binance&pair=SOL/USDT")) == [ids[2]])
        }
    }

    @Test("pages follow each other without gap or repeat, for both sorts")
    func pagination() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let ids = try await publish((0..<5).map { ("Strategy \($0)", "binance", ["BTC/USDT"]) }, harness: harness, client: client, author: author)
            for (id, subscribers) in zip(ids, [3, 0, 3, 7, 1]) where subscribers > 0 {
                try await harness.adjustSubscribersDirectly(id, by: subscribers)
            }
            for (sort, expected) in [("newest", Array(ids.reversed())), ("popular", [ids[3], ids[2], ids[0], ids[4], ids[1]])] {
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let uri = "/v1/catalog?sort=\(sort)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try self.catalogPage(await client.send(.get, uri))
                    seen += page.items.map(\.id)
                    cursor = page.nextCursor
                } while cursor != nil
                #expect(seen == expected, "sort \(sort)")
            }
            let popular = try await client.send(.get, "/v1/catalog?sort=popular&limit=1").decode(Page<StrategyBody>.self)
            #expect(popular.items.first?.subscriberCount == 7)
        }
    }

    @Test("strategies published within one millisecond, two at the same microsecond, page without gap or repeat, for both sorts")
    func subMillisecondPagination() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            var ids: [String] = []
            for step in [0.000_1, 0, 0.000_3, 0.000_001, 0.000_2] {
                let id = try await client.createStrategyId(author, name: "Strategy \(ids.count)", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                #expect(try await client.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                try await harness.approveDirectly(id, subject: .listing)
                harness.clock.advance(by: step)
                ids.append(id)
            }
            for sort in ["newest", "popular"] {
                let whole = try self.ids(await client.send(.get, "/v1/catalog?sort=\(sort)&limit=100"))
                #expect(Set(whole) == Set(ids))
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try self.catalogPage(await client.send(.get, "/v1/catalog?sort=\(sort)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")))
                    seen += page.items.map(\.id)
                    cursor = page.nextCursor
                } while cursor != nil
                #expect(seen == whole, "sort \(sort): pages repeat or skip")
            }
        }
    }

    @Test("unknown sort or kind, a bad limit or a forged cursor are 422; a large limit is capped")
    func badQueries() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            for query in [
                "sort=oldest", "kind=futures", "limit=0", "limit=abc", "cursor=bm90LWEtY3Vyc29y", "cursor=%22%3B%20DROP%20TABLE",
                "exchange=%00", "pair=BTC%00USDT", "exchange=\(String(repeating: "a", count: 33))", "q=\(String(repeating: "x", count: 201))",
            ] {
                try await client.send(.get, "/v1/catalog?\(query)").expectProblem(.unprocessableContent)
            }
            // A cursor from one sort is not valid for the other.
            let author = try await harness.user("Author")
            _ = try await publish((0..<2).map { ("S\($0)", "binance", ["BTC/USDT"]) }, harness: harness, client: client, author: author)
            let cursor = try #require(try await client.send(.get, "/v1/catalog?limit=1").decode(Page<StrategyBody>.self).nextCursor)
            try await client.send(.get, "/v1/catalog?sort=popular&cursor=\(cursor)").expectProblem(.unprocessableContent)
            #expect(try await client.send(.get, "/v1/catalog?limit=500").status == .ok)
            // {"sort":"newest","publishedAt":9223372036854775807,…}: a made-up position beyond every row
            // pages from the newest (it used to overflow in PostgreSQL: 503).
            let beyond = "eyJzb3J0IjoibmV3ZXN0IiwicHVibGlzaGVkQXQiOjkyMjMzNzIwMzY4NTQ3NzU4MDcsInN1YnNjcmliZXJDb3VudCI6MCwiaWQiOiJhYmNkZWZnaGlqIn0"
            #expect(try self.ids(await client.send(.get, "/v1/catalog?cursor=\(beyond)")).count == 2)
        }
    }
}
