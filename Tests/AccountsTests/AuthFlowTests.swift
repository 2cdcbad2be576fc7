import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Models
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

@Suite("Register, login, refresh rotation and logout")
struct AuthFlowTests {
    @Test("the full flow, with refresh-token reuse revoking the family")
    func fullFlow() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            // Spaces around the address are refused (the OpenAPI pattern says so); case is folded.
            try await client.send(.post, "/v1/auth/register", json: ["email": " ada@example.com ", "password": "correct horse battery", "displayName": "Ada"])
                .expectProblem(.unprocessableContent)
            let user = try await client.register("Ada@Example.COM", name: "Ada")
            #expect(user.email == "ada@example.com")
            #expect(user.roles == ["user"])

            let first = try await client.login("ada@example.com")
            let me = try await client.send(.get, "/v1/me", token: first.access)
            #expect(me.status == .ok)
            #expect(try me.decode(UserBody.self).id == user.id)

            let rotated = try await client.send(.post, "/v1/auth/refresh", json: ["refreshToken": first.refresh])
            #expect(rotated.status == .ok)
            let second = try rotated.decode(TokensBody.self)
            #expect(second.tokenType == "Bearer")
            #expect(second.expiresIn == 900)
            let secondRefresh = second.refreshToken
            #expect(secondRefresh != first.refresh)

            // Replaying the used token is refused, and it takes the new token down with it.
            try await client.send(.post, "/v1/auth/refresh", json: ["refreshToken": first.refresh]).expectProblem(.unauthorized)
            try await client.send(.post, "/v1/auth/refresh", json: ["refreshToken": secondRefresh]).expectProblem(.unauthorized)

            // A new session is independent of the revoked one; logout ends it.
            let third = try await client.login("ada@example.com")
            let logout = try await client.send(.post, "/v1/auth/logout", json: ["refreshToken": third.refresh])
            #expect(logout.status == .noContent)
            try await client.send(.post, "/v1/auth/refresh", json: ["refreshToken": third.refresh]).expectProblem(.unauthorized)
        }
    }

    @Test("a refresh token stops working when it expires")
    func refreshTokenExpiry() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(["REFRESH_TOKEN_TTL_SECONDS": "3600"]).test(.router) { client in
            try await client.register("exp@example.com")
            let tokens = try await client.login("exp@example.com")
            harness.clock.advance(by: 3601)
            try await client.send(.post, "/v1/auth/refresh", json: ["refreshToken": tokens.refresh]).expectProblem(.unauthorized)
        }
    }

    @Test("registering a taken email is a conflict, whatever its case")
    func duplicateEmail() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await client.register("dup@example.com")
            let again = try await client.send(
                .post, "/v1/auth/register",
                json: ["email": "DUP@example.com", "password": "another password", "displayName": "Dup"]
            )
            try again.expectProblem(.conflict)
            #expect(try await harness.database.count("SELECT count(*)::int FROM users") == 1)
        }
    }

    @Test("unknown email and wrong password give byte-identical 401 bodies")
    func indistinguishableFailures() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await client.register("known@example.com")
            let wrongPassword = try await client.send(.post, "/v1/auth/login", json: ["email": "known@example.com", "password": "not the password"])
            let unknownEmail = try await client.send(.post, "/v1/auth/login", json: ["email": "nobody@example.com", "password": "not the password"])
            try wrongPassword.expectProblem(.unauthorized)
            try unknownEmail.expectProblem(.unauthorized)
            #expect(wrongPassword.body == unknownEmail.body)
        }
    }

    @Test("logout of an unknown token is harmless")
    func logoutUnknown() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let response = try await client.send(.post, "/v1/auth/logout", json: ["refreshToken": "nonsense"])
            #expect(response.status == .noContent)
        }
    }
}
