import Foundation
import Models
import OctoBotFormats

/// The checks stored on each case for the admin to read. They inform; the admin decides.
enum AutomatedChecks {
    static let minimumDescriptionLength = 40
    static let minimumAccountAgeDays = 7

    static func run(on context: ReviewContext, now: Date) -> [ReviewCheck] {
        [
            profile(context),
            description(context.proposedDescription),
            links(context.proposedDescription),
            ReviewCheck(
                name: "logo present", passed: context.strategy.hasLogo,
                detail: context.strategy.hasLogo ? "the strategy has a logo" : "no logo: the catalog shows a placeholder"
            ),
            markets(exchanges: context.proposedExchanges, pairs: context.proposedPairs),
            nameUniqueness(context.proposedName, among: context.otherPublished),
            accountAge(since: context.authorCreatedAt, now: now),
        ]
    }

    static func profile(_ context: ReviewContext) -> ReviewCheck {
        guard let version = context.version else {
            return ReviewCheck(
                name: "profile validated", passed: true,
                detail: "signal strategy: the configuration stays private; followers import a generated RemoteTradingSignalsTradingMode profile"
            )
        }
        let summary = version.summary
        var detail = "version \(version.number): \(summary.tradingMode); evaluators: \(summary.evaluators.isEmpty ? "none" : summary.evaluators.joined(separator: ", ")); "
            + "exchanges: \(summary.exchanges.joined(separator: ", ")); \(summary.pairs.count) pair(s); reference market \(summary.referenceMarket)"
        if !version.warnings.isEmpty { detail += "; upload warnings: " + version.warnings.joined(separator: " | ") }
        return ReviewCheck(name: "profile validated", passed: true, detail: detail)
    }

    /// Long enough to say something, and text rather than noise or shouting.
    static func description(_ text: String) -> ReviewCheck {
        let letters = text.unicodeScalars.filter { CharacterSet.letters.contains($0) }
        let uppercase = letters.filter { CharacterSet.uppercaseLetters.contains($0) }
        var problems: [String] = []
        if text.count < minimumDescriptionLength { problems.append("only \(text.count) characters (at least \(minimumDescriptionLength) expected)") }
        if !text.isEmpty, Double(letters.count) / Double(text.unicodeScalars.count) < 0.5 { problems.append("mostly symbols or digits") }
        if letters.count > 20, Double(uppercase.count) / Double(letters.count) > 0.7 { problems.append("mostly capitals") }
        if hasLongRun(text, of: 8) { problems.append("a character repeated 8 times or more") }
        return ReviewCheck(
            name: "description", passed: problems.isEmpty,
            detail: problems.isEmpty ? "\(text.count) characters of text" : problems.joined(separator: "; ")
        )
    }

    static func links(_ text: String) -> ReviewCheck {
        let pattern = #"(https?://|www\.)[^\s)>\]]+"#
        var found: [String] = []
        var searchRange = text.startIndex..<text.endIndex
        while let range = text.range(of: pattern, options: [.regularExpression, .caseInsensitive], range: searchRange) {
            found.append(String(text[range]))
            searchRange = range.upperBound..<text.endIndex
        }
        return ReviewCheck(
            name: "links in description", passed: found.isEmpty,
            detail: found.isEmpty ? "no links" : "links to check: " + found.prefix(5).joined(separator: ", ")
        )
    }

    static func markets(exchanges: [String], pairs: [String]) -> ReviewCheck {
        let unknownExchanges = exchanges.filter { !KnownMarkets.exchanges.contains($0) }
        let unknownPairs = pairs.filter { !KnownMarkets.isRecognised(pair: $0) }
        var problems: [String] = []
        if exchanges.isEmpty { problems.append("no exchange") }
        if pairs.isEmpty { problems.append("no pair") }
        if !unknownExchanges.isEmpty { problems.append("unknown exchanges: \(unknownExchanges.joined(separator: ", "))") }
        if !unknownPairs.isEmpty { problems.append("unusual pairs: \(unknownPairs.prefix(10).joined(separator: ", "))") }
        return ReviewCheck(
            name: "exchanges and pairs recognised", passed: problems.isEmpty,
            detail: problems.isEmpty ? "\(exchanges.joined(separator: ", ")): \(pairs.prefix(10).joined(separator: ", "))" : problems.joined(separator: "; ")
        )
    }

    /// Flags names that read the same as a published strategy's (same slug, or a couple of edits away).
    static func nameUniqueness(_ name: String, among others: [(id: String, name: String)]) -> ReviewCheck {
        let slug = Slug.make(from: name)
        let close = others.filter { other in
            let otherSlug = Slug.make(from: other.name)
            return otherSlug == slug || (min(slug.count, otherSlug.count) >= 6 && editDistance(slug, otherSlug, limit: 2) <= 2)
        }
        return ReviewCheck(
            name: "name not a near-duplicate", passed: close.isEmpty,
            detail: close.isEmpty ? "no published strategy has a similar name"
                : "close to " + close.prefix(5).map { "\"\($0.name)\" (\($0.id))" }.joined(separator: ", ")
        )
    }

    static func accountAge(since createdAt: Date, now: Date) -> ReviewCheck {
        let days = Int(now.timeIntervalSince(createdAt) / 86_400)
        return ReviewCheck(
            name: "author account age", passed: days >= minimumAccountAgeDays,
            detail: "account created \(days) day(s) ago" + (days >= minimumAccountAgeDays ? "" : " (new accounts deserve a closer look)")
        )
    }

    static func hasLongRun(_ text: String, of length: Int) -> Bool {
        var previous: Character?
        var run = 0
        for character in text {
            run = character == previous ? run + 1 : 1
            previous = character
            if run >= length { return true }
        }
        return false
    }

    /// Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a), b = Array(b)
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if current.min() ?? 0 > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}
