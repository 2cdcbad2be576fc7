import Foundation

/// What a review case is about.
public enum ReviewSubject: String, Codable, Sendable {
    case version
    case listing
}

/// A review case was opened.
public struct ModerationCaseOpened: DomainEvent {
    public static let type = "moderation.case_opened"
    @LowercaseUUID public private(set) var caseId: UUID
    public let strategyId: String
    /// The strategy's name when the case opened, for live queues to show (absent in events
    /// written before it was added).
    public let strategyName: String?
    public let subject: ReviewSubject
    public let version: Int?

    public init(caseId: UUID, strategyId: String, strategyName: String? = nil, subject: ReviewSubject, version: Int?) {
        self.caseId = caseId
        self.strategyId = strategyId
        self.strategyName = strategyName
        self.subject = subject
        self.version = version
    }
}

/// An admin approved a case.
public struct ModerationCaseApproved: DomainEvent {
    public static let type = "moderation.case_approved"
    @LowercaseUUID public private(set) var caseId: UUID
    public let strategyId: String
    public let subject: ReviewSubject
    public let version: Int?
    @LowercaseUUID public private(set) var moderatorId: UUID
    public let note: String?

    public init(caseId: UUID, strategyId: String, subject: ReviewSubject, version: Int?, moderatorId: UUID, note: String?) {
        self.caseId = caseId
        self.strategyId = strategyId
        self.subject = subject
        self.version = version
        self.moderatorId = moderatorId
        self.note = note
    }
}

/// An admin rejected a case, with a reason the author sees.
public struct ModerationCaseRejected: DomainEvent {
    public static let type = "moderation.case_rejected"
    @LowercaseUUID public private(set) var caseId: UUID
    public let strategyId: String
    public let subject: ReviewSubject
    public let version: Int?
    @LowercaseUUID public private(set) var moderatorId: UUID
    public let reason: String

    public init(caseId: UUID, strategyId: String, subject: ReviewSubject, version: Int?, moderatorId: UUID, reason: String) {
        self.caseId = caseId
        self.strategyId = strategyId
        self.subject = subject
        self.version = version
        self.moderatorId = moderatorId
        self.reason = reason
    }
}

/// An admin took a published strategy down, with a reason its author sees.
public struct ModerationStrategyTakenDown: DomainEvent {
    public static let type = "moderation.strategy_taken_down"
    public let strategyId: String
    @LowercaseUUID public private(set) var moderatorId: UUID
    public let reason: String

    public init(strategyId: String, moderatorId: UUID, reason: String) {
        self.strategyId = strategyId
        self.moderatorId = moderatorId
        self.reason = reason
    }
}
