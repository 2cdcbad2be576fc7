import APIShapes
import Foundation

/// A review case (the API's `CaseBody`) as the terminal shows it: one line in a list, or the
/// whole case with its checks.
extension CaseBody {
    var subjectText: String { version.map { "version \($0)" } ?? subject }

    var summaryLine: String {
        let failed = checks.filter { !$0.passed }.count
        return "\(id)  \(status.padding(toLength: 10, withPad: " ", startingAt: 0)) \(strategyId) \"\(strategyName)\" \(subjectText), opened \(openedAt)"
            + (failed > 0 ? ", \(failed) check(s) to look at" : "")
    }

    /// The summary line of the case the API answered with.
    static func summaryLine(of answer: Data) throws -> String {
        try JSONDecoder().decode(CaseBody.self, from: answer).summaryLine
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
}
