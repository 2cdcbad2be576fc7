import Foundation
import JWTKit

/// The claims of an Astrolab access token, shared by the issuer (accounts) and every verifier.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var roles: [String]
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var jti: IDClaim
    /// The login session (refresh-token family) the token was issued in, so a logout made with
    /// the access token alone (the community API's) ends that session. Absent in older tokens.
    public var sid: String?

    public init(
        userId: UUID, roles: [String], issuedAt: Date, expiresAt: Date, issuer: String, audience: String, tokenId: String,
        sessionId: UUID? = nil
    ) {
        sub = SubjectClaim(value: userId.uuidString.lowercased())
        self.roles = roles
        // NumericDate in whole seconds: some JWT libraries refuse fractions.
        iat = IssuedAtClaim(value: Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down)))
        exp = ExpirationClaim(value: Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down)))
        iss = IssuerClaim(value: issuer)
        aud = AudienceClaim(value: audience)
        jti = IDClaim(value: tokenId)
        sid = sessionId?.uuidString.lowercased()
    }

    /// Time-based and audience checks happen in `AccessTokenVerifier`, which owns the clock.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
