import Foundation

/// A user's subscription to a strategy: while active, they may download its profile and follow
/// its signals.
public struct Subscription: Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case active
        case cancelled
        case expired
        case revoked
        /// Ended because moderation took the strategy down.
        case takenDown = "taken_down"
    }

    public let id: UUID
    public let userId: UUID
    public let strategyId: String
    public let strategySlug: String
    public let status: Status
    public let startedAt: Date
    public let endsAt: Date?
    public let endedAt: Date?
    /// The current download grant (only while active).
    public let grantId: UUID?

    public init(
        id: UUID, userId: UUID, strategyId: String, strategySlug: String, status: Status, startedAt: Date, endsAt: Date?, endedAt: Date?,
        grantId: UUID?
    ) {
        self.id = id
        self.userId = userId
        self.strategyId = strategyId
        self.strategySlug = strategySlug
        self.status = status
        self.startedAt = startedAt
        self.endsAt = endsAt
        self.endedAt = endedAt
        self.grantId = grantId
    }
}
