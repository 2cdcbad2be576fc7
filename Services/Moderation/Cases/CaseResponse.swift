import Foundation
import Hummingbird
import Models
import ServiceKit

/// A review case as API.md shows it.
struct CaseResponse: ResponseEncodable {
    /// Who decided (or took a strategy down).
    struct Moderator: Encodable {
        let id: String
        let displayName: String

        init(_ moderator: ReviewCase.Moderator) {
            id = moderator.id.uuidString.lowercased()
            displayName = moderator.displayName
        }
    }

    let id: String
    let strategyId: String
    let strategyName: String
    let subject: String
    @NullWhenAbsent var version: Int?
    let status: String
    let checks: [ReviewCheck]
    let openedAt: Date
    @NullWhenAbsent var decidedAt: Date?
    @NullWhenAbsent var moderator: Moderator?
    @NullWhenAbsent var note: String?
    @NullWhenAbsent var reason: String?
    @NullWhenAbsent var supersededBy: String?

    init(_ reviewCase: ReviewCase) {
        id = reviewCase.id.uuidString.lowercased()
        strategyId = reviewCase.strategyId
        strategyName = reviewCase.strategyName
        subject = reviewCase.subject.rawValue
        version = reviewCase.version
        status = reviewCase.status.rawValue
        checks = reviewCase.checks
        openedAt = reviewCase.openedAt
        decidedAt = reviewCase.decidedAt
        moderator = reviewCase.moderator.map(Moderator.init)
        note = reviewCase.note
        reason = reviewCase.reason
        supersededBy = reviewCase.supersededBy?.uuidString.lowercased()
    }
}
