import Foundation

/// One automated check on a case: information for the admin, never a decision.
public struct ReviewCheck: Codable, Sendable, Equatable {
    public let name: String
    public let passed: Bool
    public let detail: String

    public init(name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }
}

/// A review of one submission: a profile version, or a signal strategy's listing.
public struct ReviewCase: Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case open
        case approved
        case rejected
        /// A newer submission for the same strategy replaced it before a decision.
        case superseded
    }

    public struct Moderator: Sendable, Equatable {
        public let id: UUID
        public let displayName: String

        public init(id: UUID, displayName: String) {
            self.id = id
            self.displayName = displayName
        }
    }

    public let id: UUID
    public let strategyId: String
    public let strategyName: String
    public let subject: ReviewSubject
    public let version: Int?
    public let status: Status
    public let checks: [ReviewCheck]
    public let openedAt: Date
    public let decidedAt: Date?
    public let moderator: Moderator?
    public let note: String?
    public let reason: String?
    public let supersededBy: UUID?

    public init(
        id: UUID, strategyId: String, strategyName: String, subject: ReviewSubject, version: Int?, status: Status, checks: [ReviewCheck],
        openedAt: Date, decidedAt: Date?, moderator: Moderator?, note: String?, reason: String?, supersededBy: UUID?
    ) {
        self.id = id
        self.strategyId = strategyId
        self.strategyName = strategyName
        self.subject = subject
        self.version = version
        self.status = status
        self.checks = checks
        self.openedAt = openedAt
        self.decidedAt = decidedAt
        self.moderator = moderator
        self.note = note
        self.reason = reason
        self.supersededBy = supersededBy
    }
}

/// A submission to review, as the profiles service announced it.
public struct Submission: Sendable, Equatable {
    public let strategyId: String
    public let subject: ReviewSubject
    public let version: Int?

    public init(strategyId: String, subject: ReviewSubject, version: Int?) {
        self.strategyId = strategyId
        self.subject = subject
        self.version = version
    }
}

/// An admin's decision on a case.
public enum ReviewDecision: Sendable, Equatable {
    case approve(note: String?)
    case reject(reason: String)
}
