import Foundation
import Models

/// A catalog search: published strategies only, filtered, sorted, one page after a cursor.
public struct CatalogQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable {
        /// Most recently first published first.
        case newest
        /// Most subscribers first, then newest.
        case popular

        /// Fixed SQL (never input): the order the keyset in `after` continues.
        var orderBy: String {
            switch self {
            case .newest: "s.published_at DESC, s.id DESC"
            case .popular: "s.subscriber_count DESC, s.published_at DESC, s.id DESC"
            }
        }
    }

    /// Where the previous page ended: the sort key of its last strategy.
    public struct Cursor: Codable, Sendable, Equatable {
        public let sort: String
        /// First publication, in microseconds since 1970 (see `Microseconds`).
        public private(set) var publishedAt: Int64
        public let subscriberCount: Int
        public let id: String

        public init(after strategy: Strategy, sort: Sort) {
            self.sort = sort.rawValue
            publishedAt = Microseconds.since1970(strategy.publishedAt ?? strategy.createdAt)
            subscriberCount = strategy.subscriberCount
            id = strategy.id
        }

        /// An opaque URL-safe token.
        public var token: String {
            let data = (try? JSONEncoder().encode(self)) ?? Data()
            return data.base64URLEncodedString()
        }

        /// Reads a token made by `token` for `sort`; nil for anything else.
        public init?(token: String, sort: Sort) {
            var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            guard token.count <= 512, let data = Data(base64Encoded: base64),
                let cursor = try? JSONDecoder().decode(Cursor.self, from: data), cursor.sort == sort.rawValue, StrategyID.isValid(cursor.id)
            else { return nil }
            self = cursor
            // A hand-made position beyond any row pages as the nearest end would.
            publishedAt = Microseconds.clampedToRows(publishedAt)
        }
    }

    public var text: String?
    public var kind: StrategyKind?
    public var exchange: String?
    public var pair: String?
    public var sort: Sort
    public var limit: Int
    public var after: Cursor?

    public init(text: String? = nil, kind: StrategyKind? = nil, exchange: String? = nil, pair: String? = nil, sort: Sort = .newest, limit: Int = 20, after: Cursor? = nil) {
        self.text = text
        self.kind = kind
        self.exchange = exchange
        self.pair = pair
        self.sort = sort
        self.limit = limit
        self.after = after
    }

    /// `text` with LIKE's wildcards escaped, so `q=100%` searches for "100%".
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
