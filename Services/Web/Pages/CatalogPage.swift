import APIShapes
import Foundation
import Hummingbird
import ServiceKit

/// `/`: the catalog of published strategies, with the API's search, filters, sorts and cursors.
struct CatalogPage: Sendable {
    let kit: PageKit

    struct View: Sendable {
        let query: String
        let kindAll: Bool
        let kindProfile: Bool
        let kindSignals: Bool
        let exchange: String
        let pair: String
        let sortNewest: Bool
        let sortPopular: Bool
        let cards: [StrategyCard]
        let isEmpty: Bool
        let nextPage: String?
        let problem: String?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { request, _ in
            let session = try await kit.sessions.current(request)
            let form = request.formQuery
            let filters = CatalogFilters(form)
            let answer = try await kit.api.get("/v1/catalog?" + filters.apiQuery(cursor: form["cursor"]), token: session?.accessToken)
            // A refused query (422) shows the API's reason above no cards.
            let catalog = answer.isSuccess ? try answer.decode(Page<StrategyBody>.self) : nil
            let cards = catalog?.items.map(StrategyCard.init) ?? []
            let view = View(
                query: filters.q, kindAll: filters.kind.isEmpty, kindProfile: filters.kind == "profile", kindSignals: filters.kind == "signals",
                exchange: filters.exchange, pair: filters.pair, sortNewest: filters.sort != "popular", sortPopular: filters.sort == "popular",
                cards: cards, isEmpty: cards.isEmpty,
                nextPage: catalog?.nextCursor.map { "/?" + filters.pageQuery(cursor: $0) },
                problem: answer.isSuccess ? nil : answer.problem.detail
            )
            return kit.page("catalog", title: "Strategies", view, for: request, session: session)
        }
    }
}

/// The catalog's filters as the page's form sends them, and as the API and the next page's link take them.
struct CatalogFilters: Sendable, Equatable {
    let q: String
    let kind: String
    let exchange: String
    let pair: String
    let sort: String

    init(_ form: FormQuery) {
        q = form["q"] ?? ""
        kind = ["profile", "signals"].contains(form["kind"] ?? "") ? form["kind"] ?? "" : ""
        exchange = form["exchange"] ?? ""
        pair = form["pair"] ?? ""
        sort = form["sort"] == "popular" ? "popular" : "newest"
    }

    func apiQuery(cursor: String?) -> String {
        var items = [("sort", sort), ("limit", "24")]
        for (name, value) in [("q", q), ("kind", kind), ("exchange", exchange), ("pair", pair)] where !value.isEmpty {
            items.append((name, value))
        }
        if let cursor { items.append(("cursor", cursor)) }
        return Self.encode(items)
    }

    func pageQuery(cursor: String) -> String {
        var items: [(String, String)] = []
        for (name, value) in [("q", q), ("kind", kind), ("exchange", exchange), ("pair", pair)] where !value.isEmpty {
            items.append((name, value))
        }
        items.append(("sort", sort))
        items.append(("cursor", cursor))
        return Self.encode(items)
    }

    static func encode(_ items: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}

/// A strategy as a catalog card shows it.
struct StrategyCard: Sendable {
    let id: String
    let name: String
    let author: String
    let kind: String
    let isSignals: Bool
    /// Nil rather than empty: an empty string is truthy to Mustache.
    let pairs: String?
    let exchanges: String?
    let subscribers: Int
    let logoUrl: String?

    init(_ strategy: StrategyBody) {
        id = strategy.id
        name = strategy.name
        author = strategy.author.displayName
        kind = strategy.kind == "signals" ? "Signals" : "Profile"
        isSignals = strategy.kind == "signals"
        pairs = strategy.pairs.isEmpty ? nil : strategy.pairs.prefix(6).joined(separator: ", ") + (strategy.pairs.count > 6 ? " …" : "")
        exchanges = strategy.exchanges.isEmpty ? nil : strategy.exchanges.joined(separator: ", ")
        subscribers = strategy.subscriberCount
        logoUrl = strategy.logoUrl
    }
}
