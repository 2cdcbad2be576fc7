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

/// `POST /v1/moderation/cases/{id}/reject` body: the reason the author will read.
struct RejectRequest: JSONRequestBody {
    let reason: String

    init(fields: inout JSONFields) {
        let reason = fields.requiredString("reason")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let reason, reason.isEmpty { fields.reject("reason", "must say why, in words the author can act on") }
        if let reason, reason.jsonLength > ApproveRequest.maxLength { fields.reject("reason", "must be at most \(ApproveRequest.maxLength) characters") }
        self.reason = reason ?? ""
    }
}
