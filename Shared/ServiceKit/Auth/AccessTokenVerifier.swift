import Foundation
import JWTKit
import Models

/// Verifies access tokens locally: signature against the accounts service's public key, then
/// `exp`, `iss` and `aud` against this service's settings and clock.
public struct AccessTokenVerifier: Sendable {
    let keys: any VerificationKeyProvider
    let issuer: String
    let audience: String
    let clock: any WallClock

    public init(keys: any VerificationKeyProvider, issuer: String, audience: String, clock: any WallClock = SystemWallClock()) {
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.clock = clock
    }

    /// The token's claims, or `ProblemDetails.unauthorized` saying what was wrong.
    public func verify(_ token: String) async throws -> AccessTokenClaims {
        let claims: AccessTokenClaims
        do {
            claims = try await keys.keys().verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .unknownKID {
            // The signing key may have rotated since we last fetched the key set.
            do {
                claims = try await keys.keys(refreshing: true).verify(token, as: AccessTokenClaims.self)
            } catch {
                throw ProblemDetails.unauthorized("The access token is not valid.").coded("bad_jwt")
            }
        } catch {
            throw ProblemDetails.unauthorized("The access token is not valid.").coded("bad_jwt")
        }
        guard clock.now() < claims.exp.value else {
            throw ProblemDetails.unauthorized("The access token has expired; refresh it.").coded("jwt_expired")
        }
        guard claims.iss.value == issuer, claims.aud.value.contains(audience) else {
            throw ProblemDetails.unauthorized("The access token was not issued for this service.").coded("bad_jwt")
        }
        guard UUID(uuidString: claims.sub.value) != nil else {
            throw ProblemDetails.unauthorized("The access token is not valid.").coded("bad_jwt")
        }
        return claims
    }
}
