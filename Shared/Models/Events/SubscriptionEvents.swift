import Foundation

/// A user subscribed to a strategy.
public struct SubscriptionStarted: DomainEvent {
    public static let type = "subscription.started"
    @LowercaseUUID public private(set) var subscriptionId: UUID
    @LowercaseUUID public private(set) var userId: UUID
    public let strategyId: String

    public init(subscriptionId: UUID, userId: UUID, strategyId: String) {
        self.subscriptionId = subscriptionId
        self.userId = userId
        self.strategyId = strategyId
    }
}

/// A subscription ended; access to downloads and signals ends with it.
public struct SubscriptionEnded: DomainEvent {
    public static let type = "subscription.ended"

    public enum Reason: String, Codable, Sendable {
        case cancelled
        case expired
        case revoked
        case takenDown = "taken_down"
    }

    @LowercaseUUID public private(set) var subscriptionId: UUID
    @LowercaseUUID public private(set) var userId: UUID
    public let strategyId: String
    public let reason: Reason

    public init(subscriptionId: UUID, userId: UUID, strategyId: String, reason: Reason) {
        self.subscriptionId = subscriptionId
        self.userId = userId
        self.strategyId = strategyId
        self.reason = reason
    }
}
