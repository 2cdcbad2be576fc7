import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Models
import PostgresNIO
import NIOCore
import ServiceKit
import TestSupport
import Testing

@Suite("Bad input gets a clear 4xx problem and writes nothing")
struct BadInputTests {
    func raw(_ client: some TestClientProtocol, _ body: String, contentType: String? = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: "/v1/auth/register", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("malformed, duplicated, oversized, mistyped and invalid registrations")
    func registrations() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await raw(client, #"{"email": "a@b.co", "password": "#).expectProblem(.badRequest)
            try await raw(client, "").expectProblem(.badRequest)
            try await raw(client, "\u{FF}\u{FE}not utf8").expectProblem(.badRequest)
            try await raw(client, #"["an", "array"]"#).expectProblem(.unprocessableContent)
            // A member named twice: a proxy or a log reader could keep the copy the service did not.
            let twice = #"{"email":"a@b.co","email":"admin@b.co","password":"long enough pass","displayName":"X"}"#
            let duplicated = try await raw(client, twice).expectProblem(.badRequest)
            #expect(duplicated.detail.contains("email"), "\(duplicated)")
            try await raw(client, #"{"email":"a@b.co"}"#, contentType: "text/plain").expectProblem(.unsupportedMediaType)
            try await raw(client, #"{"email":"a@b.co"}"#, contentType: nil).expectProblem(.unsupportedMediaType)

            let huge = #"{"email":"a@b.co","password":"0123456789","displayName":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            try await raw(client, huge).expectProblem(.contentTooLarge)

            let missing = try await raw(client, "{}").expectProblem(.unprocessableContent)
            let fields = Set((missing.errors ?? []).compactMap(\.field))
            #expect(fields == ["email", "password", "displayName"])

            let mistyped = try await client.send(.post, "/v1/auth/register", json: ["email": 42, "password": true, "displayName": ["x"]])
            #expect((try mistyped.expectProblem(.unprocessableContent)).errors?.count == 3)

            let invalid: [[String: Any]] = [
                ["email": "not-an-email", "password": "long enough pass", "displayName": "X"],
                ["email": "two@@example.com", "password": "long enough pass", "displayName": "X"],
                ["email": "spa ce@example.com", "password": "long enough pass", "displayName": "X"],
                ["email": "été@example.com", "password": "long enough pass", "displayName": "X"],
                ["email": "ada@example.com\n", "password": "long enough pass", "displayName": "X"],
                ["email": "ada@.example.com", "password": "long enough pass", "displayName": "X"],
                ["email": "ada@example.", "password": "long enough pass", "displayName": "X"],
                ["email": "short@example.com", "password": "short", "displayName": "X"],
                ["email": "blank@example.com", "password": "long enough pass", "displayName": "   "],
                ["email": "ctrl@example.com", "password": "long enough pass", "displayName": "bell\u{7}"],
                ["email": "nul@example.com", "password": "long enough pass", "displayName": "nul\u{0}byte"],
                ["email": "long@example.com", "password": "long enough pass", "displayName": String(repeating: "n", count: 65)],
            ]
            for body in invalid {
                try await client.send(.post, "/v1/auth/register", json: body).expectProblem(.unprocessableContent)
            }
            #expect(try await harness.database.count("SELECT count(*)::int FROM users") == 0)
        }
    }

    @Test("unicode names and passwords are kept exactly")
    func unicode() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let name = "Zoë 李小龍 🚀 Ñandú"
            let user = try await client.register("zoe@example.com", password: "пароль-密码-🔑🔑", name: name)
            #expect(user.displayName == name)
            let token = try await client.login("zoe@example.com", password: "пароль-密码-🔑🔑").access
            #expect(try await client.send(.get, "/v1/me", token: token).decode(UserBody.self).displayName == name)
        }
    }

    @Test("lengths count code points, as the OpenAPI limits do; a variation sequence is not a control character")
    func codePoints() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            // Five decomposed "é" are 5 characters to Swift but 10 code points: long enough.
            let decomposed = String(repeating: "e\u{301}", count: 5)
            _ = try await client.register("decomposed@example.com", password: decomposed, name: "葛\u{E0101}")
            let tooLong = String(repeating: "e\u{301}", count: 33)  // 66 code points, 33 characters
            try await client.send(.post, "/v1/auth/register", json: ["email": "long@example.com", "password": "correct horse battery", "displayName": tooLong])
                .expectProblem(.unprocessableContent)
        }
    }

    @Test("passwords longer than bcrypt's 72 bytes still count every character")
    func longPasswords() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let base = String(repeating: "p", count: 100)
            try await client.register("long@example.com", password: base + "A")
            try await client.send(.post, "/v1/auth/login", json: ["email": "long@example.com", "password": base + "B"]).expectProblem(.unauthorized)
            _ = try await client.login("long@example.com", password: base + "A")
        }
    }

    @Test("unknown routes are 404 and wrong methods 405 with Allow, problem+json both")
    func unknownRoutes() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await client.send(.get, "/v1/nothing-here").expectProblem(.notFound)
            let wrongMethod = try await client.send(.delete, "/v1/auth/login")
            try wrongMethod.expectProblem(.methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "POST")
        }
    }
}
