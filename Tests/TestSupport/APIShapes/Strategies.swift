import ExactJSON

/// The profiles service's shapes (API.md §Strategies and profiles), for tests to decode; named
/// `…Body` so they never meet the domain types of the same name (`Models.Strategy`). Dates
/// stay strings: the tests compare and order them, never compute with them.
public struct StrategyBody: Decodable, Sendable {
    public struct Author: Decodable, Sendable {
        public let id: String
        public let displayName: String
    }

    public struct CurrentVersion: Decodable, Sendable {
        public let number: Int
        public let status: String
        public let sha256: String
        public let sizeBytes: Int
        public let createdAt: String
    }

    /// Edits of a published strategy waiting for review; only what was edited is present.
    public struct PendingChanges: Decodable, Sendable {
        public let name: String?
        public let description: String?
        public let exchange: String?
        public let pairs: [String]?
        public let rejectionReason: String?
    }

    public let id: String
    public let slug: String
    public let name: String
    public let description: String
    public let kind: String
    public let status: String
    @AlwaysPresent public var rejectionReason: String?
    public let author: Author
    @AlwaysPresent public var exchange: String?
    public let exchanges: [String]
    public let pairs: [String]
    @AlwaysPresent public var tradingMode: String?
    @AlwaysPresent public var logoUrl: String?
    public let subscriberCount: Int
    @AlwaysPresent public var currentVersion: CurrentVersion?
    /// Absent, not null, when there is nothing pending or the reader may not see it.
    public let pendingChanges: PendingChanges?
    public let createdAt: String
    public let updatedAt: String
    @AlwaysPresent public var publishedAt: String?
}

public struct VersionBody: Decodable, Sendable {
    public struct Summary: Decodable, Sendable, Equatable {
        public let tradingMode: String
        public let evaluators: [String]
        public let exchanges: [String]
        public let pairs: [String]
        public let referenceMarket: String
    }

    public let number: Int
    public let status: String
    public let sha256: String
    public let sizeBytes: Int
    public let summary: Summary
    public let warnings: [String]
    @AlwaysPresent public var rejectionReason: String?
    public let createdAt: String
    @AlwaysPresent public var decidedAt: String?
}

/// The member names of a strategy and of its `pendingChanges`, for the few checks that a member
/// is left out: API.md leaves `pendingChanges` (and, inside it, `rejectionReason`) out rather than
/// null, and an optional in `StrategyBody` takes a missing member and a null one alike.
public struct StrategyMembers: Decodable, Sendable {
    public let names: Set<String>
    /// Those of `pendingChanges`, when it is an object.
    public let pendingChanges: Set<String>?

    public init(from decoder: any Decoder) throws {
        let strategy = try JSONObject(from: decoder)
        names = Set(strategy.keys)
        pendingChanges = strategy["pendingChanges"]?.objectValue.map { Set($0.keys) }
    }
}
