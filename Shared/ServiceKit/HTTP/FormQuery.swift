import Foundation
import Hummingbird

/// A request's query string read as HTML forms and `URLSearchParams` write it: `+` is a space
/// (a literal plus arrives as `%2B`), then percent-escapes are decoded. Hummingbird's own
/// `queryParameters` keeps `+` as it is, so `?q=btc+dip` would search for "btc+dip".
public struct FormQuery: Sendable {
    private let values: [String: String]
    /// Every parameter in the order sent, repeated names included.
    public let pairs: [(name: String, value: String)]

    public init(_ query: String?) {
        var values: [String: String] = [:]
        var pairs: [(name: String, value: String)] = []
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            pairs.append((name, value))
            // The first occurrence wins, as with Hummingbird's parameters.
            if values[name] == nil { values[name] = value }
        }
        self.values = values
        self.pairs = pairs
    }

    public subscript(name: String) -> String? {
        values[name]
    }

    /// A component that is not valid percent-encoding is kept as sent, for validation to refuse.
    private static func decode(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension Request {
    /// The query string, form-decoded (see `FormQuery`).
    public var formQuery: FormQuery {
        FormQuery(uri.query)
    }
}
