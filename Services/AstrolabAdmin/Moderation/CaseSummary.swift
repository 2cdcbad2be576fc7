import ArgumentParser
import Foundation

/// A review case as the API returns it, and how the terminal shows it.
struct CaseSummary: Codable {
    struct Check: Codable {
        let name: String
        let passed: Bool
        let detail: String
    }

    struct Moderator: Codable {
        let id: String
        let displayName: String
    }

    let id: String
    let strategyId: String
    let strategyName: String
    let subject: String
    let version: Int?
    let status: String
    let checks: [Check]
    let openedAt: String
    let decidedAt: String?
    let moderator: Moderator?
    let note: String?
    let reason: String?

    var subjectText: String { version.map { "version \($0)" } ?? subject }

    var summaryLine: String {
        let failed = checks.filter { !$0.passed }.count
        return "\(id)  \(status.padding(toLength: 10, withPad: " ", startingAt: 0)) \(strategyId) \"\(strategyName)\" \(subjectText), opened \(openedAt)"
            + (failed > 0 ? ", \(failed) check(s) to look at" : "")
    }

    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    var details: String {
        var lines = [
            "case      \(id) (\(status))", "strategy  \(strategyId) \"\(strategyName)\", \(subjectText)", "opened    \(openedAt)",
        ]
        if let decidedAt { lines.append("decided   \(decidedAt) by \(moderator?.displayName ?? "?")") }
        if let note { lines.append("note      \(note)") }
        if let reason { lines.append("reason    \(reason)") }
        lines.append("checks")
        lines += checks.map { "  [\($0.passed ? "ok" : "!!")] \($0.name): \($0.detail)" }
        return lines.joined(separator: "\n")
    }

    /// Refuses anything but a UUID before it becomes part of a URL path.
    static func validated(_ id: String) throws -> String {
        guard let uuid = UUID(uuidString: id) else { throw ValidationError("\(id) is not a case id (a UUID).") }
        return uuid.uuidString.lowercased()
    }
}

struct CasePage: Decodable {
    let items: [CaseSummary]
    let nextCursor: String?
}
