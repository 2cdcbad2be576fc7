import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import HummingbirdTesting
import Logging
import NIOCore
import ServiceKit
import TestSupport
import Testing

@Suite("The common service assembly")
struct ServiceKitTests {
    @Test("health, readiness and metrics endpoints")
    func operationalEndpoints() async throws {
        let harness = try await ServiceKitHarness.make()
        try await harness.app().test(.router) { client in
            let live = try await client.execute(uri: "/health/live", method: .get)
            #expect(live.status == .ok)
            // The broker connection comes up in the background; readiness says when.
            try await eventually("the service to be ready") {
                try await client.execute(uri: "/health/ready", method: .get).status == .ok
            }
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(String(buffer: ready.body).contains(#""database":"ok""#))
            #expect(String(buffer: ready.body).contains(#""broker":"ok""#))
            // Make one request that the metrics middleware counts, then read it back.
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(String(buffer: metrics.body).contains("hb_requests"))
        }
    }

    @Test("readiness is 503 problem+json when the database does not answer")
    func notReady() async throws {
        let harness = try await ServiceKitHarness.make()
        let runtime = try ServiceRuntime(
            name: "unready", configuration: try harness.configuration(databaseURL: "postgres://postgres@127.0.0.1:1/none")
        )
        let router = runtime.makeRouter(verificationKeys: try await StaticVerificationKeys(publicKey: harness.signingKey.publicKey))
        // No schema guard here: it would (rightly) stop the service from starting at all.
        try await Application(router: router, logger: runtime.logger).test(.router) { client in
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: ready.body).contains("database"))
        }
    }

    @Test("errors of every origin come out as problem+json")
    func problems() async throws {
        let harness = try await ServiceKitHarness.make()
        try await harness.app().test(.router) { client in
            let notFound = try await client.execute(uri: "/nope", method: .get)
            #expect(notFound.status == .notFound)
            #expect(notFound.headers[.contentType] == "application/problem+json")

            let crash = try await client.execute(uri: "/boom", method: .get)
            #expect(crash.status == .internalServerError)
            #expect(!String(buffer: crash.body).contains("Unexpected"), "internals are logged, not shown")

            let json: HTTPFields = [.contentType: "application/json"]
            let bad = try await client.execute(uri: "/echo", method: .post, headers: json, body: ByteBuffer(string: "{nope"))
            #expect(bad.status == .badRequest)
            let invalid = try await client.execute(
                uri: "/echo", method: .post, headers: json, body: ByteBuffer(string: #"{"name": 1, "tags": ["a", 2, "c", "d"]}"#)
            )
            #expect(invalid.status == .unprocessableContent)
            let body = String(buffer: invalid.body)
            #expect(body.contains(#""field":"name""#) && body.contains(#""field":"tags""#))
            let typed = try await client.execute(
                uri: "/echo", method: .post, headers: [.contentType: "application/merge-patch+json; charset=utf-8"],
                body: ByteBuffer(string: #"{"name": "ok"}"#)
            )
            #expect(typed.status == .ok)
        }
    }

    @Test("a method a path does not have is 405 with Allow; an unknown path stays 404; a bad credential is still 401")
    func methodNotAllowed() async throws {
        let harness = try await ServiceKitHarness.make()
        try await harness.app().test(.router) { client in
            for method: HTTPRequest.Method in [.delete, .put, .head, .options, .trace] {
                let response = try await client.execute(uri: "/whoami", method: method)
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(response.headers[.allow] == "GET", "\(method)")
            }
            let echo = try await client.execute(uri: "/echo", method: .get)
            #expect(echo.status == .methodNotAllowed && echo.headers[.allow] == "POST")
            #expect(String(buffer: echo.body).contains("/problems/method-not-allowed"))
            #expect(try await client.execute(uri: "/nope", method: .delete).status == .notFound)
            let badToken = try await client.execute(uri: "/whoami", method: .delete, headers: [.authorization: "Bearer not-a-token"])
            #expect(badToken.status == .unauthorized)
        }
    }

    @Test("request ids: a sane incoming X-Request-Id is kept, anything else is replaced")
    func requestIDs() async throws {
        let harness = try await ServiceKitHarness.make()
        try await harness.app().test(.router) { client in
            let kept = try await client.execute(uri: "/health/live", method: .get, headers: [.requestID: "edge-123"])
            #expect(kept.headers[.requestID] == "edge-123")
            let replaced = try await client.execute(uri: "/nope", method: .get, headers: [.requestID: "bad id\n"])
            #expect(replaced.headers[.requestID].map { !$0.isEmpty && $0 != "bad id\n" } == true)
        }
    }

    @Test("access tokens: users, admins, and what they may reach")
    func authorisation() async throws {
        let harness = try await ServiceKitHarness.make()
        try await harness.app().test(.router) { client in
            let userId = UUID()
            let user = try await harness.token(userId: userId)
            let admin = try await harness.token(roles: ["user", "admin"])
            let foreign = try await harness.token(audience: "someone-else")

            let whoami = try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer \(user)"])
            #expect(String(buffer: whoami.body) == userId.uuidString)
            #expect(try await client.execute(uri: "/admin-only", method: .get, headers: [.authorization: "Bearer \(user)"]).status == .forbidden)
            #expect(try await client.execute(uri: "/admin-only", method: .get, headers: [.authorization: "Bearer \(admin)"]).status == .ok)
            #expect(try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer \(foreign)"]).status == .unauthorized)
            #expect(try await client.execute(uri: "/whoami?access_token=\(user)", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer ak_unknown"]).status == .unauthorized)

            harness.clock.advance(by: 900)
            #expect(try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer \(user)"]).status == .unauthorized)
        }
    }

    @Test("a service will not start on an unmigrated database")
    func refusesOldSchema() async throws {
        let harness = try await ServiceKitHarness.make(migrated: false)
        await #expect(throws: (any Error).self) {
            try await harness.app().test(.router) { _ in }
        }
    }
}

@Suite("Query strings are read as forms write them")
struct FormQueryTests {
    @Test("+ is a space, %2B a plus, escapes are decoded, the first of a repeated name wins")
    func decoding() {
        let query = FormQuery("q=btc+dip&plus=a%2Bb&name%20x=%C3%A9t%C3%A9&q=second&empty=&bare&bad=%E0%A4%A")
        #expect(query["q"] == "btc dip")
        #expect(query["plus"] == "a+b")
        #expect(query["name x"] == "été")
        #expect(query["empty"] == "")
        #expect(query["bare"] == "")
        #expect(query["bad"] == "%E0%A4%A", "kept as sent, for validation to refuse")
        #expect(query["missing"] == nil)
        #expect(FormQuery(nil)["q"] == nil)
    }
}
