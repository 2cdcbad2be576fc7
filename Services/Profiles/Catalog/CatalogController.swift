import Foundation
import Hummingbird
import Models
import ServiceKit
import StrategyStore

/// `GET /v1/catalog`: published strategies, searched, filtered, sorted and paginated.
struct CatalogController: Sendable {
    let strategies: any StrategyRepository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { request, context in
            let query = try CatalogRequest(request).query
            // One extra row tells whether another page follows.
            var page = query
            page.limit += 1
            let found = try await strategies.catalog(page)
            let items = Array(found.prefix(query.limit))
            let next = found.count > query.limit ? items.last.map { CatalogQuery.Cursor(after: $0, sort: query.sort).token } : nil
            return ListResponse(items: items.map { StrategyResponse($0, viewer: context.identity) }, nextCursor: next)
        }
    }
}

/// The catalog's query string, validated: unknown `sort` or `kind` and bad cursors are 422;
/// `limit` above 100 counts as 100.
struct CatalogRequest {
    static let maxLimit = 100
    static let maxTextLength = 200

    let query: CatalogQuery

    init(_ request: Request) throws {
        let parameters = request.formQuery
        var errors: [ProblemDetails.FieldError] = []
        var query = CatalogQuery()
        if let text = parameters["q"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if text.jsonLength > Self.maxTextLength || text.unicodeScalars.contains("\u{0}") {
                errors.append(.init(field: "q", message: "must be at most \(Self.maxTextLength) characters of text"))
            }
            query.text = text
        }
        if let kind = parameters["kind"], !kind.isEmpty {
            query.kind = StrategyKind(rawValue: kind)
            if query.kind == nil { errors.append(.init(field: "kind", message: "must be profile or signals")) }
        }
        if let sort = parameters["sort"], !sort.isEmpty {
            if let value = CatalogQuery.Sort(rawValue: sort) { query.sort = value } else {
                errors.append(.init(field: "sort", message: "must be newest or popular"))
            }
        }
        for (field, limit) in [("exchange", 32), ("pair", 64)] {
            guard let value = parameters[field], !value.isEmpty else { continue }
            // The database cannot compare text holding NUL; no exchange or pair has control characters anyway.
            if value.jsonLength > limit || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                errors.append(.init(field: field, message: "must be at most \(limit) characters, without control characters"))
            }
            if field == "exchange" { query.exchange = value } else { query.pair = value }
        }
        if let limit = parameters["limit"] {
            if let value = Int(limit), value >= 1 { query.limit = min(value, Self.maxLimit) } else {
                errors.append(.init(field: "limit", message: "must be a positive integer"))
            }
        }
        if let cursor = parameters["cursor"], !cursor.isEmpty {
            query.after = CatalogQuery.Cursor(token: cursor, sort: query.sort)
            if query.after == nil { errors.append(.init(field: "cursor", message: "is not a cursor this listing gave out (with this sort)")) }
        }
        guard errors.isEmpty else { throw ProblemDetails.validation(errors, detail: "The catalog query has invalid parameters.") }
        self.query = query
    }
}
