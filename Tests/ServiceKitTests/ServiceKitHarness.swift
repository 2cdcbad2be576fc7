import Foundation
import Hummingbird
import JWTKit
import Models
import Rules
import ServiceKit
import TestSupport

/// A minimal service built the way every real one is, with a few routes that exercise ServiceKit.
struct ServiceKitHarness {
    let bed: ServiceTestBed
    let clock = ManualClock()
    var database: TestDatabase { bed.database }
    var signingKey: ES256PrivateKey { bed.accounts.signingKey }

    static func make(migrated: Bool = true) async throws -> ServiceKitHarness {
        ServiceKitHarness(bed: try await .make(migrated: migrated))
    }

    func configuration(databaseURL: String? = nil) throws -> ServiceConfiguration {
        var environment = bed.environment()
        if let databaseURL { environment["DATABASE_URL"] = databaseURL }
        return try ServiceConfiguration(environment: EnvironmentReader(environment), defaultPort: 0)
    }

    struct Echo: JSONRequestBody {
        let name: String
        let tags: [String]?

        init(fields: inout JSONFields) {
            name = fields.requiredString("name") ?? ""
            tags = fields.optionalStringArray("tags", maxCount: 3)
        }
    }

    func app(databaseURL: String? = nil) async throws -> some ApplicationProtocol {
        let runtime = try ServiceRuntime(name: "servicekit-test", configuration: try configuration(databaseURL: databaseURL))
        let router = runtime.makeRouter(verificationKeys: try await StaticVerificationKeys(publicKey: signingKey.publicKey), clock: clock)
        router.post("/echo") { request, _ in
            let body = try await request.decodeJSONBody(Echo.self)
            return body.name
        }
        router.get("/whoami") { _, context in
            try context.requireUser().userId.uuidString
        }
        router.get("/admin-only") { _, context in
            _ = try context.requireAdmin()
            return "hello admin"
        }
        router.get("/boom") { _, _ -> String in
            struct Unexpected: Error {}
            throw Unexpected()
        }
        return runtime.makeApplication(router: router)
    }

    func token(roles: [String] = ["user"], audience: String = "astrolab", userId: UUID = UUID()) async throws -> String {
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: try ES256Keys.keyIdentifier(for: signingKey.publicKey))
        await keys.add(ecdsa: signingKey, kid: kid)
        let now = clock.now()
        return try await keys.sign(
            AccessTokenClaims(
                userId: userId, roles: roles, issuedAt: now, expiresAt: now.addingTimeInterval(900),
                issuer: "astrolab", audience: audience, tokenId: UUID().uuidString
            ),
            kid: kid
        )
    }
}
