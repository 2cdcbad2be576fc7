import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import PostgresNIO
import TestSupport
import Testing

@Suite("Review case pages", .timeLimit(.minutes(3)))
struct CaseCursorTests {
    @Test("cases opened within one millisecond, two at the same microsecond, page without gap or repeat")
    func subMillisecondPages() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        var opened: [UUID] = []
        for index in 0..<5 {
            opened.append(try await harness.openCase(author: author, name: "Case \(index)").caseId)
        }
        // The same millisecond, down to the microsecond for two of them.
        for (caseId, micros) in zip(opened, [123_456, 123_456, 123_000, 123_999, 123_457]) {
            try await harness.database.withClient { client in
                _ = try await client.query(
                    "UPDATE review_cases SET opened_at = '2026-12-01 10:00:00+00'::timestamptz + \(micros) * interval '1 microsecond' WHERE id = \(caseId)"
                )
            }
        }
        let expected = Set(opened.map { $0.uuidString.lowercased() })
        try await harness.moderationApp().test(.router) { moderation in
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await moderation.send(.get, "/v1/moderation/cases?status=open&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin.token)
                let body = try page.decode(Page<CaseBody>.self)
                seen += body.items.map(\.id)
                cursor = body.nextCursor
            } while cursor != nil
            #expect(seen.count == 5)
            #expect(Set(seen) == expected, "pages repeat or skip")
        }
    }
}
