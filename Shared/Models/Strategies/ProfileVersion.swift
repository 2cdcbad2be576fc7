import Foundation
import OctoBotFormats

/// One uploaded profile of a strategy, stored normalised and content-addressed.
public struct ProfileVersion: Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case pendingReview = "pending_review"
        case approved
        case rejected
        /// A newer upload replaced it before it was reviewed.
        case superseded
    }

    public let strategyId: String
    public let number: Int
    public let status: Status
    public let sha256: String
    public let sizeBytes: Int
    public let summary: ProfileSummary
    public let warnings: [String]
    public let rejectionReason: String?
    public let createdAt: Date
    public let decidedAt: Date?

    public init(
        strategyId: String, number: Int, status: Status, sha256: String, sizeBytes: Int, summary: ProfileSummary,
        warnings: [String], rejectionReason: String?, createdAt: Date, decidedAt: Date?
    ) {
        self.strategyId = strategyId
        self.number = number
        self.status = status
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.summary = summary
        self.warnings = warnings
        self.rejectionReason = rejectionReason
        self.createdAt = createdAt
        self.decidedAt = decidedAt
    }
}

/// A validated, normalised upload ready to store.
public struct ProfileUpload: Sendable {
    public let zip: [UInt8]
    public let sha256: String
    public let summary: ProfileSummary
    public let warnings: [String]

    public init(zip: [UInt8], sha256: String, summary: ProfileSummary, warnings: [String]) {
        self.zip = zip
        self.sha256 = sha256
        self.summary = summary
        self.warnings = warnings
    }
}
