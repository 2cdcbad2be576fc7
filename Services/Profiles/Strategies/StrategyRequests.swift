import Foundation
import Models
import ServiceKit
import StrategyStore

/// `POST /v1/strategies` body.
struct CreateStrategyRequest: JSONRequestBody {
    let name: String
    let description: String
    let kind: StrategyKind
    let exchange: String?
    let pairs: [String]

    init(fields: inout JSONFields) {
        name = ListingRules.name(fields.requiredString("name"), fields: &fields) ?? ""
        description = ListingRules.description(fields.requiredString("description"), fields: &fields) ?? ""
        let kindText = fields.requiredString("kind")
        let kind = kindText.flatMap(StrategyKind.init(rawValue:))
        if kindText != nil, kind == nil { fields.reject("kind", "must be profile or signals") }
        self.kind = kind ?? .profile
        exchange = ListingRules.exchange(fields.optionalString("exchange"), fields: &fields)
        pairs = ListingRules.pairs(fields.optionalStringArray("pairs"), fields: &fields) ?? []
        switch kind {
        case .signals?:
            if exchange == nil { fields.reject("exchange", "is required for a signal strategy") }
            if pairs.isEmpty { fields.reject("pairs", "a signal strategy needs at least one pair") }
        case .profile?:
            if exchange != nil { fields.reject("exchange", "comes from the uploaded profile for a profile strategy") }
            if !pairs.isEmpty { fields.reject("pairs", "come from the uploaded profile for a profile strategy") }
        case nil:
            break
        }
    }

    func newStrategy(authorId: UUID) -> NewStrategy {
        NewStrategy(authorId: authorId, name: name, description: description, kind: kind, exchange: exchange, pairs: pairs)
    }
}

/// `PATCH /v1/strategies/{id}` body: any of the listing fields.
struct PatchStrategyRequest: JSONRequestBody {
    let changes: ListingChanges

    init(fields: inout JSONFields) {
        changes = ListingChanges(
            name: ListingRules.name(fields.optionalString("name"), fields: &fields),
            description: ListingRules.description(fields.optionalString("description"), fields: &fields),
            exchange: ListingRules.exchange(fields.optionalString("exchange"), fields: &fields),
            pairs: ListingRules.pairs(fields.optionalStringArray("pairs"), fields: &fields)
        )
    }

    /// Exchange and pairs belong to signal strategies; a profile's come from its upload.
    func check(against strategy: Strategy) throws {
        guard strategy.kind == .profile else {
            if changes.pairs?.isEmpty == true {
                throw ProblemDetails.validation([.init(field: "pairs", message: "a signal strategy needs at least one pair")])
            }
            return
        }
        // A valid body that does not fit this strategy's kind: a conflict with its state, not bad input.
        if changes.exchange != nil || changes.pairs != nil {
            throw ProblemDetails.conflict("This is a profile strategy: its exchanges and pairs come from its approved profile, not from edits.")
        }
    }
}

/// The rules listing fields share between creation and edits.
enum ListingRules {
    static let maxNameLength = 80
    static let maxDescriptionLength = 5000
    static let maxPairs = 50

    static func name(_ value: String?, fields: inout JSONFields) -> String? {
        guard let name = value?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard (1...maxNameLength).contains(name.jsonLength) else {
            fields.reject("name", "must be 1 to \(maxNameLength) characters")
            return nil
        }
        // Before trimming too: a control character at either end is refused, not dropped.
        guard let value, !containsControls(value, allowing: []) else {
            fields.reject("name", "must not contain control characters")
            return nil
        }
        return name
    }

    /// Control characters (C0, DEL, C1) are invisible or break lines in every page and terminal
    /// that shows a listing; a description may still have its line breaks and tabs.
    static func containsControls(_ text: String, allowing allowed: Set<Unicode.Scalar>) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control && !allowed.contains($0) }
    }

    static func description(_ value: String?, fields: inout JSONFields) -> String? {
        guard let description = value?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard description.jsonLength <= maxDescriptionLength else {
            fields.reject("description", "must be at most \(maxDescriptionLength) characters")
            return nil
        }
        guard let value, !containsControls(value, allowing: ["\n", "\r", "\t"]) else {
            fields.reject("description", "must not contain control characters other than line breaks and tabs")
            return nil
        }
        return description
    }

    /// A ccxt exchange id: lower-case letters, digits and underscores (`binance`, `binanceus`, `gateio`).
    static func exchange(_ value: String?, fields: inout JSONFields) -> String? {
        guard let exchange = value else { return nil }
        guard exchange.range(of: #"\A[a-z][a-z0-9_]{1,31}\z"#, options: .regularExpression) != nil else {
            fields.reject("exchange", "must be a ccxt exchange id such as binance")
            return nil
        }
        return exchange
    }

    /// ccxt symbols exactly as bots match them: `BTC/USDT`, or `BTC/USDT:USDT` for futures.
    static func pairs(_ value: [String]?, fields: inout JSONFields) -> [String]? {
        guard let pairs = value else { return nil }
        let symbol = "[A-Z0-9][A-Z0-9._-]{0,19}"
        var valid = true
        for (index, pair) in pairs.enumerated() where pair.range(of: #"\A\#(symbol)/\#(symbol)(:\#(symbol))?\z"#, options: .regularExpression) == nil {
            fields.reject("pairs[\(index)]", "must be a ccxt symbol such as BTC/USDT or BTC/USDT:USDT")
            valid = false
        }
        if pairs.count > maxPairs {
            fields.reject("pairs", "must have at most \(maxPairs) pairs")
            valid = false
        }
        if Set(pairs).count != pairs.count {
            fields.reject("pairs", "must not repeat a pair")
            valid = false
        }
        return valid ? pairs : nil
    }
}
