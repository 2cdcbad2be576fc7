import APIShapes
import AccountsStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Logging
import Models
import ServiceKit
import TestSupport
import Testing

@testable import Accounts

@Suite("Access tokens are refused unless signed by us, current, and meant for us")
struct AccessTokenTests {
    /// Signs `claims` with `key` under the service key's `kid`, as a forger would.
    static func forge(_ claims: AccessTokenClaims, with key: ES256PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }

    static func claims(userId: UUID, now: Date, audience: String = "astrolab", issuer: String = "astrolab") -> AccessTokenClaims {
        AccessTokenClaims(
            userId: userId, roles: ["user", "admin"], issuedAt: now, expiresAt: now.addingTimeInterval(900),
            issuer: issuer, audience: audience, tokenId: UUID().uuidString
        )
    }

    @Test("expired, forged, foreign, alg:none and malformed tokens get 401 problem+json")
    func refusedTokens() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let user = try await client.register("tokens@example.com")
            let userId = try #require(UUID(uuidString: user.id))
            let valid = try await client.login("tokens@example.com").access
            let kid = try ES256Keys.keyIdentifier(for: harness.signingKey.publicKey)
            let now = harness.clock.now()

            try #require(try await client.send(.get, "/v1/me", token: valid).status == .ok)

            let forged = try await Self.forge(Self.claims(userId: userId, now: now), with: ES256PrivateKey(), kid: kid)
            let wrongAudience = try await Self.forge(Self.claims(userId: userId, now: now, audience: "elsewhere"), with: harness.signingKey, kid: kid)
            let wrongIssuer = try await Self.forge(Self.claims(userId: userId, now: now, issuer: "mallory"), with: harness.signingKey, kid: kid)
            let header = Data(#"{"alg":"none","typ":"JWT","kid":"\#(kid)"}"#.utf8).base64URLEncodedString()
            let payload = Data(try JSONEncoder().encode(Self.claims(userId: userId, now: now))).base64URLEncodedString()
            let unsigned = "\(header).\(payload)."
            // The valid token with its signature swapped for another's.
            let otherSignature = try #require(forged.split(separator: ".").last)
            let spliced = valid.split(separator: ".").prefix(2).joined(separator: ".") + "." + otherSignature

            for token in [forged, wrongAudience, wrongIssuer, unsigned, spliced, "not-a-jwt", "a.b.c", ""] {
                let response = try await client.send(.get, "/v1/me", headers: [.authorization: "Bearer \(token)"])
                try response.expectProblem(.unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.send(.get, "/v1/me", headers: [.authorization: "Basic dXNlcjpwYXNz"]).expectProblem(.unauthorized)
            try await client.send(.get, "/v1/me").expectProblem(.unauthorized)

            harness.clock.advance(by: 901)
            let expired = try await client.send(.get, "/v1/me", token: valid)
            let problem = try expired.expectProblem(.unauthorized)
            #expect(problem.detail.contains("expired"))
        }
    }

    @Test("other services verify tokens with the keys published at /.well-known/jwks.json")
    func jwksVerification() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.live) { client in
            let jwks = try await client.send(.get, "/.well-known/jwks.json")
            #expect(jwks.status == .ok)
            let keys = try jwks.decode(JWKSBody.self).keys
            #expect(keys.count == 1)
            #expect(keys.first?.kty == "EC")
            #expect(keys.first?.crv == "P-256")
            #expect(keys.first?.kid == (try ES256Keys.keyIdentifier(for: harness.signingKey.publicKey)))
            // Absence is read on the JSON itself: a decoded shape only lists what it names.
            let published = try #require(try jwks.jsonObject()["keys"] as? [[String: Any]])
            #expect(published.first?["d"] == nil, "the private part must never be published")

            try await client.register("jwks@example.com")
            let token = try await client.login("jwks@example.com").access
            let port = try #require(client.port)
            let verifier = AccessTokenVerifier(
                keys: JWKSVerificationKeys(url: try #require(URL(string: "http://127.0.0.1:\(port)/.well-known/jwks.json")), logger: .init(label: "test")),
                issuer: "astrolab", audience: "astrolab", clock: harness.clock
            )
            let claims = try await verifier.verify(token)
            #expect(claims.roles == ["user"])
            await #expect(throws: ProblemDetails.self) {
                try await verifier.verify(try await Self.forge(claims, with: ES256PrivateKey(), kid: "unknown-kid"))
            }
        }
    }

    @Test("a token carries the roles the user had when it was issued; /v1/me reads them fresh")
    func rolesInToken() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await client.register("boss@example.com")
            let granted = try await harness.database.withClient { database in
                try await PostgresUserRepository(client: database, logger: .init(label: "test")).grantAdmin(email: "boss@example.com")
            }
            #expect(granted)
            let token = try await client.login("boss@example.com").access
            let me = try await client.send(.get, "/v1/me", token: token)
            #expect(try me.decode(UserBody.self).roles == ["user", "admin"])
        }
    }
}
