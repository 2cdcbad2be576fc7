import Foundation
import JWTKit
import Models
import ServiceKit

/// Signs access tokens with the service's ES256 key and publishes the matching public key.
struct AccessTokenIssuer: Sendable {
    let keys: JWTKeyCollection
    let keyIdentifier: JWKIdentifier
    let publicKey: ES256PublicKey
    let issuer: String
    let audience: String
    let lifetime: TimeInterval

    init(signingKey: ES256PrivateKey, issuer: String, audience: String, lifetime: TimeInterval) async throws {
        publicKey = signingKey.publicKey
        keyIdentifier = JWKIdentifier(string: try ES256Keys.keyIdentifier(for: publicKey))
        keys = JWTKeyCollection()
        await keys.add(ecdsa: signingKey, kid: keyIdentifier)
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
    }

    func issue(for user: User, sessionId: UUID, at date: Date) async throws -> String {
        let claims = AccessTokenClaims(
            userId: user.id, roles: user.roles.map(\.rawValue), issuedAt: date,
            expiresAt: date.addingTimeInterval(lifetime), issuer: issuer, audience: audience,
            tokenId: UUID().uuidString.lowercased(), sessionId: sessionId
        )
        return try await keys.sign(claims, kid: keyIdentifier)
    }

    var jwks: JWKS {
        get throws { JWKS(keys: [try ES256Keys.jwk(for: publicKey)]) }
    }
}
