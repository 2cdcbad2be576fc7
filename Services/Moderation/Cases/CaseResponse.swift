import Foundation
import Hummingbird
import Models

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
    let version: Int?
    let status: String
    let checks: [ReviewCheck]
    let openedAt: Date
    let decidedAt: Date?
    let moderator: Moderator?
    let note: String?
    let reason: String?
    let supersededBy: String?

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

    /// Nulls are written out, as API.md shows them.
    enum CodingKeys: String, CodingKey {
        case id, strategyId, strategyName, subject, version, status, checks, openedAt, decidedAt, moderator, note, reason, supersededBy
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(strategyId, forKey: .strategyId)
        try container.encode(strategyName, forKey: .strategyName)
        try container.encode(subject, forKey: .subject)
        try container.encode(version, forKey: .version)
        try container.encode(status, forKey: .status)
        try container.encode(checks, forKey: .checks)
        try container.encode(openedAt, forKey: .openedAt)
        try container.encode(decidedAt, forKey: .decidedAt)
        try container.encode(moderator, forKey: .moderator)
        try container.encode(note, forKey: .note)
        try container.encode(reason, forKey: .reason)
        try container.encode(supersededBy, forKey: .supersededBy)
    }
}
