import Foundation
import ServiceKit

/// `POST /v1/moderation/cases/{id}/approve` body: an optional note for the record.
struct ApproveRequest: JSONRequestBody {
    static let maxLength = 2000
    let note: String?

    init(fields: inout JSONFields) {
        let note = fields.optionalString("note")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.jsonLength > Self.maxLength { fields.reject("note", "must be at most \(Self.maxLength) characters") }
        self.note = note?.isEmpty == true ? nil : note
    }
}

/// The body of a reject (`POST /v1/moderation/cases/{id}/reject`) or a take-down
/// (`POST /v1/moderation/strategies/{id}/take-down`): the reason the author will read.
struct ReasonRequest: JSONRequestBody {
    let reason: String

    init(fields: inout JSONFields) {
        let reason = fields.requiredString("reason")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.isEmpty { fields.reject("reason", "must say why, in words the author can act on") }
        if let reason, reason.jsonLength > ApproveRequest.maxLength { fields.reject("reason", "must be at most \(ApproveRequest.maxLength) characters") }
        self.reason = reason ?? ""
    }
}
