import Foundation

/// A strategy was created (as a draft).
public struct StrategyCreated: DomainEvent {
    public static let type = "strategy.created"
    public let strategyId: String
    @LowercaseUUID public private(set) var authorId: UUID
    public let kind: String
    public let name: String

    public init(strategyId: String, authorId: UUID, kind: String, name: String) {
        self.strategyId = strategyId
        self.authorId = authorId
        self.kind = kind
        self.name = name
    }
}

/// A profile version was uploaded and waits for review.
public struct StrategyVersionSubmitted: DomainEvent {
    public static let type = "strategy.version_submitted"
    public let strategyId: String
    @LowercaseUUID public private(set) var authorId: UUID
    public let version: Int
    public let sha256: String

    public init(strategyId: String, authorId: UUID, version: Int, sha256: String) {
        self.strategyId = strategyId
        self.authorId = authorId
        self.version = version
        self.sha256 = sha256
    }
}

/// A signal strategy's listing (its public text) was submitted for review.
public struct StrategyListingSubmitted: DomainEvent {
    public static let type = "strategy.listing_submitted"
    public let strategyId: String
    @LowercaseUUID public private(set) var authorId: UUID

    public init(strategyId: String, authorId: UUID) {
        self.strategyId = strategyId
        self.authorId = authorId
    }
}

/// A strategy (or a new version of it) became public.
public struct StrategyPublished: DomainEvent {
    public static let type = "strategy.published"
    public let strategyId: String
    public let version: Int?

    public init(strategyId: String, version: Int?) {
        self.strategyId = strategyId
        self.version = version
    }
}

/// A strategy was taken down (its status changed): its subscriptions end.
public struct StrategyTakenDown: DomainEvent {
    public static let type = "strategy.taken_down"
    public let strategyId: String
    public let reason: String

    public init(strategyId: String, reason: String) {
        self.strategyId = strategyId
        self.reason = reason
    }
}
