import Foundation
import Hummingbird

/// The part of PostgREST's URL grammar the bot's requests use: `select=` (read only for the one
/// embedding a table offers) and `column=eq.value` filters. Anything else in the query is
/// refused with PostgREST's own codes rather than ignored, so a filter is never silently dropped
/// (an ignored `id=neq.x` would widen a PATCH to every row).
public struct PostgRESTQuery: Sendable {
    public let select: String?
    /// `column=eq.value` filters, by column.
    public let equalities: [String: String]

    /// Parameters that shape the answer rather than filter rows.
    static let shapingParameters: Set<String> = ["select", "columns", "order", "limit", "offset", "on_conflict", "apikey"]

    /// Reads the query; `columns` are the table's filterable columns.
    public init(_ query: FormQuery, table: String, columns: Set<String>) throws {
        var equalities: [String: String] = [:]
        for (name, value) in query.pairs where !Self.shapingParameters.contains(name) {
            guard columns.contains(name) else {
                throw ProblemDetails(.badRequest, detail: "column \(table).\(name) does not exist", code: "42703")
            }
            guard value.hasPrefix("eq."), equalities[name] == nil else {
                throw ProblemDetails(
                    .badRequest, detail: "\"\(name)=\(value)\": this endpoint filters with one column=eq.value per column only",
                    code: "PGRST100"
                )
            }
            equalities[name] = String(value.dropFirst(3))
        }
        select = query["select"]
        self.equalities = equalities
    }

    /// The uuid an `eq.` filter gives this column (nil without one); 400 `22P02` for a value that
    /// is not a uuid, as PostgreSQL's cast answers.
    public func uuid(_ column: String) throws -> UUID? {
        guard let value = equalities[column] else { return nil }
        guard let id = UUID(uuidString: value) else {
            throw ProblemDetails(.badRequest, detail: "invalid input syntax for type uuid: \"\(value)\"", code: "22P02")
        }
        return id
    }

    /// Whether `select` embeds `name` (`name:table!hint(*)`), and whether as `!inner` (rows
    /// without the embedded one left out).
    public func embedding(_ name: String) -> (embedded: Bool, inner: Bool) {
        guard let select else { return (false, false) }
        for item in Self.topLevelItems(select) where item.hasPrefix(name + ":") || item.hasPrefix(name + "(") || item.hasPrefix(name + "!") {
            let hints = item.prefix(while: { $0 != "(" })
            return (true, hints.contains("!inner"))
        }
        return (false, false)
    }

    /// `a,b:c(x,y),d` → `a`, `b:c(x,y)`, `d`: commas inside parentheses belong to an embedding.
    static func topLevelItems(_ select: String) -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        for character in select {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                items.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        items.append(current.trimmingCharacters(in: .whitespaces))
        return items
    }
}
