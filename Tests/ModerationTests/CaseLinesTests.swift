import APIShapes
import ExactJSON
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import AstrolabAdmin

@Suite("astrolab-admin moderation list and show, over the API", .timeLimit(.minutes(3)))
struct CaseLinesTests {
    @Test("list --json prints each case of a page as the API wrote it, one per line; the text lines read the same cases")
    func listLines() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        let first = try await harness.openCase(author: author, name: "A \"quoted\" name")
        let second = try await harness.openCase(author: author, name: "Another")
        try await harness.moderationApp().test(.router) { moderation in
            let answer = try await moderation.send(.get, "/v1/moderation/cases?status=open&limit=100", token: admin.token)
            let body = Data(answer.bytes)
            let lines = try PageItemLines.json(of: body)
            let items = try #require(try JSONParser.parse(body)["items"]?.arrayValue)
            #expect(lines.count == 2)
            for (line, item) in zip(lines, items) {
                #expect(!line.contains("\n"), "\(line)")
                #expect(try JSONParser.parse(Array(line.utf8)) == item, "the API's members, in its order, nulls included")
            }

            let cases = try answer.decode(Page<CaseBody>.self).items
            #expect(cases.map(\.id) == [first.caseId, second.caseId].map { $0.uuidString.lowercased() }, "oldest first")
            let line = cases[0].summaryLine
            #expect(line.hasPrefix("\(cases[0].id)  open       \(first.strategyId) \"A \"quoted\" name\" listing, opened "), "\(line)")
            #expect(cases[0].details.contains("strategy  \(first.strategyId) \"A \"quoted\" name\", listing"), "\(cases[0].details)")
        }
    }

    @Test("an answer without a list of items is refused, not printed as nothing")
    func notAPage() {
        #expect(throws: CLIError.self) { try PageItemLines.json(of: Data(#"{"id":"x"}"#.utf8)) }
    }
}
