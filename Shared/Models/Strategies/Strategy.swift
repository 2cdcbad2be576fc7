import Foundation

public enum StrategyKind: String, Codable, Sendable, CaseIterable {
    /// An uploaded OctoBot profile that followers import.
    case profile
    /// A private configuration; followers import a generated profile and copy its signals.
    case signals
}

public enum StrategyStatus: String, Codable, Sendable {
    case draft
    case pendingReview = "pending_review"
    case published
    case rejected
    /// Removed by a moderator, with the reason in `rejectionReason`: hidden from everyone but its
    /// author and admins, its subscriptions ended, and frozen (nothing can be changed or resubmitted).
    case takenDown = "taken_down"
}

/// Changes to a strategy's public listing. On a published strategy they wait for review.
public struct ListingChanges: Codable, Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var exchange: String?
    public var pairs: [String]?
    /// Set when moderation rejected these edits: they stay, with the reason, for the author to
    /// read and revise, and never go live.
    public var rejectionReason: String?

    public init(name: String? = nil, description: String? = nil, exchange: String? = nil, pairs: [String]? = nil) {
        self.name = name
        self.description = description
        self.exchange = exchange
        self.pairs = pairs
    }

    /// Whether anything is edited at all (`{}` edits nothing).
    public var hasEdits: Bool { name != nil || description != nil || exchange != nil || pairs != nil }

    /// Edits that can still be submitted for review: present and not rejected as they are.
    public var isReviewable: Bool { hasEdits && rejectionReason == nil }

    /// These changes with `newer` applied on top: a new edit, so no longer the rejected one.
    public func merged(with newer: ListingChanges) -> ListingChanges {
        ListingChanges(
            name: newer.name ?? name, description: newer.description ?? description,
            exchange: newer.exchange ?? exchange, pairs: newer.pairs ?? pairs
        )
    }
}

/// A strategy as the profiles service stores it (the `strategies` table and what hangs off it).
public struct Strategy: Sendable, Equatable {
    public struct Author: Sendable, Equatable {
        public let id: UUID
        public let displayName: String
    }

    public let id: String
    public let author: Author
    public let slug: String
    public let name: String
    public let description: String
    public let kind: StrategyKind
    public let status: StrategyStatus
    /// Why moderation rejected the strategy's first publication, or took it down.
    public let rejectionReason: String?
    /// Enabled exchanges in profile order; the first is the default.
    public let exchanges: [String]
    public let pairs: [String]
    public let tradingMode: String?
    public let subscriberCount: Int
    public let currentVersion: ProfileVersion?
    public let hasLogo: Bool
    /// Listing edits of a published strategy waiting for review (author and admins see them).
    public let pendingListing: ListingChanges?
    public let createdAt: Date
    public let updatedAt: Date
    public let publishedAt: Date?

    public var exchange: String? { exchanges.first }
    public var isPublished: Bool { status == .published }

    /// Whether `userId` (with admin rights or not) may see this strategy at all.
    public func isVisible(to userId: UUID?, isAdmin: Bool) -> Bool {
        isPublished || isAdmin || userId == author.id
    }
}
