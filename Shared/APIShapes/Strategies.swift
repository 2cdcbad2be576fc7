/// The profiles service's shapes (API.md §Strategies and profiles), as its clients decode them;
/// named `…Body` so they never meet the domain types of the same name (`Models.Strategy`). Dates
/// stay the strings the API sends: clients compare, order and show them, never compute with them.
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

/// A profile version: what an upload became, and where its review stands.
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
