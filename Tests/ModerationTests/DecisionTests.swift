import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@Suite("Moderation decisions and access", .timeLimit(.minutes(3)))
struct DecisionTests {
    @Test("non-admins get 403 and anonymous callers 401 on every moderation endpoint")
    func access() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let (_, caseId) = try await harness.openCase(author: author)
        try await harness.moderationApp().test(.router) { client in
            let endpoints: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/v1/moderation/cases?status=open", nil), (.get, "/v1/moderation/cases/\(caseId)", nil),
                (.post, "/v1/moderation/cases/\(caseId)/approve", [:]), (.post, "/v1/moderation/cases/\(caseId)/reject", ["reason": "no"]),
                (.get, "/v1/moderation/events", nil),
            ]
            for (method, path, body) in endpoints {
                try await client.send(method, path, json: body, token: author.token).expectProblem(.forbidden)
                try await client.send(method, path, json: body).expectProblem(.unauthorized)
            }
            #expect(try await harness.count("SELECT count(*)::int FROM moderation_decisions") == 0)
        }
    }

    @Test("reject needs a reason; a decided case is 409; unknown cases are 404")
    func rules() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        let (strategyId, caseId) = try await harness.openCase(author: author)
        try await harness.moderationApp().test(.router) { client in
            let missing = try await client.send(.post, "/v1/moderation/cases/\(caseId)/reject", json: [:], token: admin.token).expectProblem(.unprocessableContent)
            #expect(missing.errors?.first?.field == "reason")
            try await client.send(.post, "/v1/moderation/cases/\(caseId)/reject", json: ["reason": " \n "], token: admin.token).expectProblem(.unprocessableContent)
            try await client.send(.post, "/v1/moderation/cases/\(caseId)/approve", json: ["note": 5], token: admin.token).expectProblem(.unprocessableContent)
            try await client.send(.get, "/v1/moderation/cases/\(UUID())", token: admin.token).expectProblem(.notFound)
            try await client.send(.get, "/v1/moderation/cases/not-a-uuid", token: admin.token).expectProblem(.notFound)
            try await client.send(.get, "/v1/moderation/cases?status=closed", token: admin.token).expectProblem(.unprocessableContent)
            // A made-up position after every case is an empty page (it used to overflow in PostgreSQL: 503).
            let beyond = try await client.send(.get, "/v1/moderation/cases?cursor=9223372036854775807_\(UUID())", token: admin.token)
            #expect(beyond.status == .ok)
            #expect(try beyond.decode(Page<CaseBody>.self).items.isEmpty)

            let shown = try await client.send(.get, "/v1/moderation/cases/\(caseId)", token: admin.token).decode(CaseBody.self)
            #expect(shown.status == "open")
            #expect(shown.strategyId == strategyId)
            // Present and null: the shape's @AlwaysPresent members refuse a missing one.
            #expect(shown.decidedAt == nil && shown.moderator == nil && shown.reason == nil)

            #expect(try await client.send(.post, "/v1/moderation/cases/\(caseId)/approve", json: [:], token: admin.token).status == .ok)
            try await client.send(.post, "/v1/moderation/cases/\(caseId)/approve", json: [:], token: admin.token).expectProblem(.conflict)
            try await client.send(.post, "/v1/moderation/cases/\(caseId)/reject", json: ["reason": "changed my mind"], token: admin.token).expectProblem(.conflict)
            #expect(try await harness.count("SELECT count(*)::int FROM moderation_decisions") == 1)
            #expect(try await harness.count("SELECT count(*)::int FROM outbox WHERE type = 'moderation.case_approved'") == 1)
            #expect(try await harness.count("SELECT count(*)::int FROM outbox WHERE type = 'moderation.case_rejected'") == 0)
        }
    }

    @Test("approve's body is optional: none at all, or empty with application/json; a body that is not JSON is still 415")
    func optionalApproveBody() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        let (_, bare) = try await harness.openCase(author: author, name: "Approved with no body")
        let (_, empty) = try await harness.openCase(author: author, name: "Approved with an empty body")
        try await harness.moderationApp().test(.router) { client in
            try await client.send(.post, "/v1/moderation/cases/\(bare)/approve", bytes: Array("note".utf8), contentType: nil, token: admin.token)
                .expectProblem(.unsupportedMediaType)
            #expect(try await harness.count("SELECT count(*)::int FROM moderation_decisions") == 0)

            let approved = try await client.execute(uri: "/v1/moderation/cases/\(bare)/approve", method: .post, headers: [.authorization: "Bearer \(admin.token)"], body: nil)
            #expect(approved.status == .ok, "\(approved.bodyString)")
            #expect(try approved.decode(CaseBody.self).note == nil, "present and null (@AlwaysPresent)")
            let withEmpty = try await client.send(.post, "/v1/moderation/cases/\(empty)/approve", bytes: [], contentType: "application/json", token: admin.token)
            #expect(withEmpty.status == .ok, "\(withEmpty.bodyString)")
            #expect(try await harness.count("SELECT count(*)::int FROM moderation_decisions") == 2)
        }
    }

    @Test("pages of cases opened within one millisecond follow each other without repeat or gap")
    func sameMillisecondPages() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        let admin = try await harness.user("Admin", admin: true)
        var cases: [UUID] = []
        for index in 0..<3 { cases.append(try await harness.openCase(author: author, name: "Case \(index)").caseId) }
        let opened = cases
        // Microseconds apart, as busy submissions are: a millisecond cursor would repeat a case.
        for (index, id) in opened.enumerated() {
            try await harness.database.withClient { client in
                try await client.query("UPDATE review_cases SET opened_at = '2026-11-30 12:00:00.000100'::timestamptz + \(index * 100) * interval '1 microsecond' WHERE id = \(id)")
            }
        }
        try await harness.moderationApp().test(.router) { client in
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/v1/moderation/cases?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin.token)
                    .decode(Page<CaseBody>.self)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil && seen.count < 10
            #expect(seen == opened.map { $0.uuidString.lowercased() })
        }
    }

    @Test("admins deciding at once produce exactly one decision")
    func concurrentDecisions() async throws {
        let harness = try await ModerationHarness.make()
        let author = try await harness.user("Author")
        var created: [TestUser] = []
        for index in 0..<4 { created.append(try await harness.user("Admin \(index)", admin: true)) }
        let admins = created
        let (_, caseId) = try await harness.openCase(author: author)
        try await harness.moderationApp().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (index, admin) in admins.enumerated() {
                    for round in 0..<3 {
                        group.addTask {
                            let approve = (index + round).isMultiple(of: 2)
                            return try await client.send(
                                .post, "/v1/moderation/cases/\(caseId)/\(approve ? "approve" : "reject")",
                                json: approve ? [:] : ["reason": "admin \(index) says no"], token: admin.token
                            ).status
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 11)
            #expect(try await harness.count("SELECT count(*)::int FROM moderation_decisions") == 1)
            #expect(try await harness.count("SELECT count(*)::int FROM outbox WHERE type LIKE 'moderation.case_%ed' AND type <> 'moderation.case_opened'") == 1)
            let decided = try await client.send(.get, "/v1/moderation/cases/\(caseId)", token: admins[0].token).decode(CaseBody.self)
            #expect(["approved", "rejected"].contains(decided.status))
        }
    }
}
