import Foundation
import Hummingbird
import Testing

@testable import ServiceKit

@Suite("Community API formats: paths, PostgREST queries and times")
struct CommunityAPIFormatTests {
    @Test("a path belongs to one part of the community API, or to none")
    func parts() {
        #expect(CommunityAPI(path: "/auth/v1/token") == .auth)
        #expect(CommunityAPI(path: "/rest/v1/rpc/get_startup_info") == .rest)
        #expect(CommunityAPI(path: "/functions/v1/os-paid-package-api") == .functions)
        #expect(CommunityAPI(path: "/rest/v1") == .rest)
        #expect(CommunityAPI(path: "/rest/v10/bots") == nil)
        #expect(CommunityAPI(path: "/v1/auth/login") == nil)
    }

    @Test("the bot's selects: embeddings found at the top level, !inner noticed; filters only as eq")
    func queries() throws {
        let inner = try PostgRESTQuery(
            FormQuery("select=*,bot_deployment:bot_deployments!bots_current_deployment_id_fkey!inner(*)"), table: "bots", columns: ["id"]
        )
        #expect(inner.embedding("bot_deployment") == (true, true))
        let outer = try PostgRESTQuery(
            FormQuery("select=*,bot_deployment:bot_deployments!bots_current_deployment_id_fkey(*)&id=eq.8c1b2b7e-93a8-4bd2-9d2a-0c1ea3c3b3c1"),
            table: "bots", columns: ["id"]
        )
        #expect(outer.embedding("bot_deployment") == (true, false))
        #expect(try outer.uuid("id") == UUID(uuidString: "8c1b2b7e-93a8-4bd2-9d2a-0c1ea3c3b3c1"))
        let nested = try PostgRESTQuery(FormQuery("select=id,other:things(bot_deployment:x(*))"), table: "bots", columns: [])
        #expect(nested.embedding("bot_deployment") == (false, false), "an embedding inside another is not the table's")

        #expect(throws: ProblemDetails.self) { try PostgRESTQuery(FormQuery("id=neq.x"), table: "bots", columns: ["id"]) }
        #expect(throws: ProblemDetails.self) { try PostgRESTQuery(FormQuery("id=eq.a&id=eq.b"), table: "bots", columns: ["id"]) }
        #expect(throws: ProblemDetails.self) { try PostgRESTQuery(FormQuery("owner=eq.me"), table: "bots", columns: ["id"]) }
        #expect(throws: ProblemDetails.self) { try PostgRESTQuery(FormQuery("id=eq.nope"), table: "bots", columns: ["id"]).uuid("id") }
    }

    @Test("times as the bot writes them (UTC, no offset, microseconds) round-trip; offsets are read; nonsense is not")
    func times() throws {
        let date = try #require(PostgRESTTimestamp.parse("2026-12-01T06:58:29.910170"))
        #expect(abs(date.timeIntervalSince1970 - 1_796_108_309.910170) < 0.000_01)
        #expect(PostgRESTTimestamp.format(date) == "2026-12-01T06:58:29.910170")
        #expect(PostgRESTTimestamp.parse("2026-12-01T08:58:29.910170+02:00") == date)
        #expect(PostgRESTTimestamp.parse("2026-12-01T06:58:29Z").map(PostgRESTTimestamp.format) == "2026-12-01T06:58:29.000000")
        for bad in ["yesterday", "2026-13-01T00:00:00", "2026-02-30T00:00:00", "2026-12-01T06:58:29.", "2026-12-01T06:58:29+2", ""] {
            #expect(PostgRESTTimestamp.parse(bad) == nil, "\(bad)")
        }
    }
}
