import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceKit
import Testing
import TestSupport

@testable import Accounts

/// The community API against a real database: the same accounts, throttle and sessions as
/// `/v1/auth`, in the shapes a stock OctoBot's Supabase clients parse. (The bot's own code
/// drives it end to end in Tests/Interop.)
@Suite("Community API: GoTrue and PostgREST shapes over the same accounts")
struct CommunityAPITests {
    static let key = "test-community-key"
    static let overrides = ["COMMUNITY_PUBLIC_KEY": key]
    static let keyHeaders: HTTPFields = [.apiKey: key]

    static func goTrueToken(
        _ client: some TestClientProtocol, _ email: String, password: String = "correct horse battery"
    ) async throws -> TestResponse {
        try await client.send(.post, "/auth/v1/token?grant_type=password", json: ["email": email, "password": password], headers: keyHeaders)
    }

    static func expectGoTrue(_ response: TestResponse, _ status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == status, "\(response.bodyString)", sourceLocation: sourceLocation)
        #expect(response.headers[.supabaseAPIVersion] == "2024-01-01", sourceLocation: sourceLocation)
        let body = try response.decode(GoTrueErrorBody.self, sourceLocation: sourceLocation)
        #expect(body.code == code, "\(response.bodyString)", sourceLocation: sourceLocation)
        #expect(!body.msg.isEmpty, sourceLocation: sourceLocation)
    }

    static func expectPostgREST(_ response: TestResponse, _ status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(response.status == status, "\(response.bodyString)", sourceLocation: sourceLocation)
        let body = try response.decode(PostgRESTErrorBody.self, sourceLocation: sourceLocation)
        #expect(body.code == code, "\(response.bodyString)", sourceLocation: sourceLocation)
        // These members and no others: read on the JSON itself, as a decoded shape ignores extra ones.
        let members = try response.jsonObject().keys
        #expect(Set(members) == ["code", "message", "details", "hint"], sourceLocation: sourceLocation)
        return body.message
    }

    @Test("an account made on either side signs in on the other; sessions carry an integer expires_in and the user")
    func oneUserStore() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(Self.overrides).test(.router) { client in
            try await client.register("web@example.com")
            let session = try await Self.goTrueToken(client, "web@example.com")
            #expect(session.status == .ok)
            let body = try session.decode(GoTrueSessionBody.self)
            #expect(body.expiresIn == 900)
            #expect(body.tokenType == "bearer")
            let user = body.user
            #expect(user.email == "web@example.com")
            #expect(user.identities.count == 1, "an empty identities list tells the bot the email is taken")
            #expect(user.confirmedAt != nil, "a null confirmed_at tells the bot to validate the email")

            let signup = try await client.send(
                .post, "/auth/v1/signup", json: ["email": "Bot@Example.com", "password": "correct horse battery", "data": ["hosting_enabled": true]],
                headers: Self.keyHeaders
            )
            #expect(signup.status == .ok, "\(signup.bodyString)")
            let access = try await client.login("bot@example.com").access
            let me = try await client.send(.get, "/v1/me", token: access).decode(UserBody.self)
            #expect(me.displayName == "Bot", "the display name is the email's local part")
            // user_metadata holds whatever the bot stored: open-ended, so read as loose JSON.
            let goTrueUser = try await client.send(.get, "/auth/v1/user", token: access, headers: Self.keyHeaders).jsonObject()
            #expect((goTrueUser["user_metadata"] as? [String: Any])?["hosting_enabled"] as? Bool == true)
        }
    }

    @Test("failed logins through either API count against one throttle")
    func sharedThrottle() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(Self.overrides.merging(["LOGIN_MAX_FAILURES_PER_EMAIL": "3"]) { $1 }).test(.router) { client in
            try await client.register("throttled@example.com")
            for _ in 0..<3 {
                try Self.expectGoTrue(try await Self.goTrueToken(client, "throttled@example.com", password: "wrong password!"), .badRequest, code: "invalid_credentials")
            }
            try Self.expectGoTrue(try await Self.goTrueToken(client, "throttled@example.com"), .tooManyRequests, code: "over_request_rate_limit")
            let v1 = try await client.send(.post, "/v1/auth/login", json: ["email": "throttled@example.com", "password": "correct horse battery"])
            try v1.expectProblem(.tooManyRequests)
        }
    }

    @Test("an expired access token is 'JWT expired' to PostgREST clients (the bot refreshes on it) and bad_jwt to GoTrue")
    func expiredTokens() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(Self.overrides).test(.router) { client in
            try await client.register("expiring@example.com")
            let access = try await Self.goTrueToken(client, "expiring@example.com").decode(GoTrueSessionBody.self).accessToken
            #expect(try await client.send(.get, "/rest/v1/bots", token: access, headers: Self.keyHeaders).status == .ok)
            harness.clock.advance(by: 901)
            let rest = try await client.send(.get, "/rest/v1/bots", token: access, headers: Self.keyHeaders)
            #expect(try Self.expectPostgREST(rest, .unauthorized, code: "PGRST303") == "JWT expired")
            try Self.expectGoTrue(try await client.send(.get, "/auth/v1/user", token: access, headers: Self.keyHeaders), .forbidden, code: "bad_jwt")
            let function = try await client.send(
                .post, "/functions/v1/os-paid-package-api", json: ["action": "get_extension_details"], token: access, headers: Self.keyHeaders
            )
            #expect(function.status == .unauthorized)
            #expect(try function.decode(FunctionErrorBody.self).code == "jwt_expired")
        }
    }

    @Test("the public key: required on every community path, matched whatever the header's case, nobody's credential elsewhere")
    func publicKey() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(Self.overrides).test(.router) { client in
            try await client.register("key@example.com")
            let body = ["email": "key@example.com", "password": "correct horse battery"]
            try Self.expectGoTrue(try await client.send(.post, "/auth/v1/token?grant_type=password", json: body), .unauthorized, code: "no_api_key")
            try Self.expectGoTrue(
                try await client.send(.post, "/auth/v1/token?grant_type=password", json: body, headers: [.apiKey: "other"]),
                .unauthorized, code: "invalid_api_key"
            )
            let mixedCase = try #require(HTTPField.Name("apiKey"))
            let accepted = try await client.send(.post, "/auth/v1/token?grant_type=password", json: body, headers: [mixedCase: Self.key])
            #expect(accepted.status == .ok)
            _ = try Self.expectPostgREST(try await client.send(.get, "/rest/v1/bots"), .unauthorized, code: "no_api_key")
            // The key as a bearer (the bot before login) is anonymous, not an invalid token.
            let anonymous = try await client.send(.get, "/v1/me", token: Self.key)
            #expect(try anonymous.expectProblem(.unauthorized).detail == "Sign in: send Authorization: Bearer <access token>.")
            let connection = try await client.send(.get, "/v1/community").decode(CommunityConnectionBody.self)
            #expect(connection.publicKey == Self.key)
            #expect(connection.feedPort == 1883)
        }
    }

    @Test("PUT /auth/v1/user merges metadata member by member; other members and oversized metadata change nothing")
    func metadata() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(Self.overrides).test(.router) { client in
            try await client.register("meta@example.com")
            let access = try await Self.goTrueToken(client, "meta@example.com").decode(GoTrueSessionBody.self).accessToken
            func put(_ json: Any) async throws -> TestResponse {
                try await client.send(.put, "/auth/v1/user", json: json, token: access, headers: Self.keyHeaders)
            }
            #expect(try await put(["data": ["hosting_enabled": true]]).status == .ok)
            // user_metadata holds whatever the bot stored: open-ended, so read as loose JSON.
            let merged = try await put(["data": ["filledForms": ["survey"]]]).jsonObject()
            let metadata = try #require(merged["user_metadata"] as? [String: Any])
            #expect(metadata["hosting_enabled"] as? Bool == true)
            #expect(metadata["filledForms"] as? [String] == ["survey"])

            try Self.expectGoTrue(try await put(["password": "a new password!!"]), .unprocessableContent, code: "validation_failed")
            try Self.expectGoTrue(try await put(["data": ["blob": String(repeating: "x", count: 20_000)]]), .unprocessableContent, code: "validation_failed")
            try Self.expectGoTrue(try await put(["data": "not an object"]), .unprocessableContent, code: "validation_failed")
            let after = try await client.send(.get, "/auth/v1/user", token: access, headers: Self.keyHeaders).jsonObject()
            #expect((after["user_metadata"] as? [String: Any])?.count == 2)
            #expect(try await Self.goTrueToken(client, "meta@example.com", password: "a new password!!").status == .badRequest)
        }
    }

    @Test("the heartbeat's times, in the bot's own format, reach /v1/bots; a bad time changes nothing")
    func heartbeat() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(Self.overrides).test(.router) { client in
            let access = try await client.signUp("beat@example.com")
            let prefer: HTTPFields = [.apiKey: Self.key, .prefer: "return=representation"]
            let bot = try await client.send(.post, "/rest/v1/bots", json: [String: Any](), token: access, headers: prefer).decode([BotRowBody].self).first
            let botId = try #require(bot?.id)
            let created = try await client.send(
                .post, "/rest/v1/bot_deployments",
                json: ["type": "self_hosted", "version": "2.1.0", "bot_id": botId,
                       "activities": ["last_activity": "2026-12-01T06:58:29.910170", "next_activity": "2026-12-01T10:58:29.910170"]],
                token: access, headers: prefer
            )
            #expect(created.status == .created)
            let deployment = try #require(try created.decode([DeploymentRowBody].self).first)
            let deploymentId = deployment.id
            #expect(deployment.activities.lastActivity == "2026-12-01T06:58:29.910170")

            let minimal = try await client.send(
                .patch, "/rest/v1/bots?id=eq.\(botId)", json: ["current_deployment_id": deploymentId], token: access, headers: [.apiKey: Self.key]
            )
            #expect(minimal.status == .noContent, "without Prefer: return=representation a write answers no rows")
            let bad = try await client.send(
                .patch, "/rest/v1/bot_deployments?id=eq.\(deploymentId)", json: ["activities": ["last_activity": "yesterday"]],
                token: access, headers: prefer
            )
            #expect(bad.status == .unprocessableContent)

            let bots = try await client.send(.get, "/v1/bots", token: access).decode(Page<BotBody>.self).items
            #expect(bots.count == 1)
            #expect(bots.first?.version == "2.1.0")
            #expect(bots.first?.lastActivityAt == "2026-12-01T06:58:29Z")
            #expect(bots.first?.nextActivityAt == "2026-12-01T10:58:29Z")
        }
    }
}
