import Foundation
import Models

/// One moderation event as a line of text for a terminal, or its envelope as JSON.
enum ModerationEventLine {
    static func render(_ body: [UInt8], format: ModerationWatcher.Format) -> String {
        if format == .json { return String(decoding: body, as: UTF8.self) }
        guard let envelope = try? EventEnvelope(bytes: body) else {
            return "unreadable message: \(String(decoding: body.prefix(200), as: UTF8.self))"
        }
        let time = envelope.occurredAt.formatted(.iso8601)
        let text: String
        switch envelope.type {
        case ModerationCaseOpened.type:
            guard let event = try? envelope.payload(as: ModerationCaseOpened.self) else { return fallback(envelope) }
            text = "case opened    \(event.strategyId) \(subject(event.subject, event.version))  case \(id(event.caseId))"
        case ModerationCaseApproved.type:
            guard let event = try? envelope.payload(as: ModerationCaseApproved.self) else { return fallback(envelope) }
            text = "case approved  \(event.strategyId) \(subject(event.subject, event.version))  case \(id(event.caseId)) by \(id(event.moderatorId))"
                + (event.note.map { "  note: \($0)" } ?? "")
        case ModerationCaseRejected.type:
            guard let event = try? envelope.payload(as: ModerationCaseRejected.self) else { return fallback(envelope) }
            text = "case rejected  \(event.strategyId) \(subject(event.subject, event.version))  case \(id(event.caseId)) by \(id(event.moderatorId))  reason: \(event.reason)"
        case ModerationStrategyTakenDown.type:
            guard let event = try? envelope.payload(as: ModerationStrategyTakenDown.self) else { return fallback(envelope) }
            text = "taken down     \(event.strategyId) by \(id(event.moderatorId))  reason: \(event.reason)"
        default:
            return fallback(envelope)
        }
        return "\(time)  \(text)"
    }

    private static func subject(_ subject: ReviewSubject, _ version: Int?) -> String {
        version.map { "version \($0)" } ?? subject.rawValue
    }

    private static func id(_ uuid: UUID) -> String {
        uuid.uuidString.lowercased()
    }

    private static func fallback(_ envelope: EventEnvelope) -> String {
        "\(envelope.occurredAt.formatted(.iso8601))  \(envelope.type)  \(String(decoding: envelope.bytes, as: UTF8.self))"
    }
}
