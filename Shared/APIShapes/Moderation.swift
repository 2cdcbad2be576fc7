/// The moderation service's shapes (API.md §Moderation), as its clients decode them; named
/// `…Body` so they never meet the domain types (`Models.ReviewCase`). Dates stay the strings the
/// API sends: clients compare and show them, never compute with them.
public struct CaseBody: Decodable, Sendable {
    /// One automated check: it informs, the admin decides.
    public struct Check: Decodable, Sendable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    /// Who decided the case (or took a strategy down).
    public struct Moderator: Decodable, Sendable {
        public let id: String
        public let displayName: String
    }

    public let id: String
    public let strategyId: String
    public let strategyName: String
    /// `version` or `listing`.
    public let subject: String
    /// Null for a listing.
    @AlwaysPresent public var version: Int?
    /// `open`, `approved`, `rejected` or `superseded`.
    public let status: String
    public let checks: [Check]
    public let openedAt: String
    @AlwaysPresent public var decidedAt: String?
    @AlwaysPresent public var moderator: Moderator?
    @AlwaysPresent public var note: String?
    @AlwaysPresent public var reason: String?
    /// The case of the newer submission that closed this one.
    @AlwaysPresent public var supersededBy: String?
}

/// The record of a take-down (`POST /v1/moderation/strategies/{id}/take-down`).
public struct TakeDownBody: Decodable, Sendable {
    public let strategyId: String
    public let strategyName: String
    public let reason: String
    public let moderator: CaseBody.Moderator
    public let takenDownAt: String
}
