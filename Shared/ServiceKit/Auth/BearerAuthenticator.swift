import Foundation
import Hummingbird
import JWTKit
import HummingbirdAuth
import Models

/// Resolves `Authorization: Bearer …` (or `?access_token=` for WebSocket clients) into a
/// `Principal`: `ak_…` values are API keys looked up in the database on every request (so a
/// revoked key stops working at once), anything else must be a valid access token. A credential
/// that is present but wrong is a 401 even on public endpoints: silently ignoring it would hide
/// a client's bug. The community API's public key is nobody's credential: Supabase clients send
/// it as the bearer until they have logged in.
public struct BearerAuthenticator: AuthenticatorMiddleware {
    public typealias Context = AppRequestContext

    let verifier: AccessTokenVerifier
    let apiKeys: any APIKeyLookup
    let communityPublicKey: String?
    /// An API key lookup that the database does not answer in time is a 503, not a hang: a bot
    /// that emits must learn at once that it should retry.
    let lookupTimeout: Duration

    public init(verifier: AccessTokenVerifier, apiKeys: any APIKeyLookup, communityPublicKey: String? = nil, lookupTimeout: Duration = .seconds(1)) {
        self.verifier = verifier
        self.apiKeys = apiKeys
        self.communityPublicKey = communityPublicKey
        self.lookupTimeout = lookupTimeout
    }

    public func authenticate(request: Request, context: Context) async throws -> Principal? {
        guard let credential = Self.credential(in: request), credential != communityPublicKey else { return nil }
        if credential.hasPrefix(APIKeyFormat.prefix) {
            let (apiKeys, hash) = (self.apiKeys, SecretToken(value: credential).hash)
            guard let found = try await Deadline(after: lookupTimeout).run({ try await apiKeys.findActive(secretHash: hash) }) else {
                throw ProblemDetails.unavailable("API keys cannot be checked right now; try again shortly.")
            }
            guard let (key, roles) = found else {
                throw ProblemDetails.unauthorized("The API key is unknown or revoked.")
            }
            return Principal(
                userId: key.userId, roles: roles,
                credential: .apiKey(id: key.id, scopes: key.scopes, strategyIds: key.strategyIds)
            )
        }
        let claims = try await verifier.verify(credential)
        guard let userId = UUID(uuidString: claims.sub.value) else {
            throw ProblemDetails.unauthorized("The access token is not valid.").coded("bad_jwt")
        }
        return Principal(
            userId: userId, roles: claims.roles.compactMap(Role.init(rawValue:)),
            credential: .accessToken(tokenId: claims.jti.value, sessionId: claims.sid.flatMap(UUID.init(uuidString:)))
        )
    }

    static func credential(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return "" }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
        return request.formQuery["access_token"]
    }
}

/// The shape of API key secrets.
public enum APIKeyFormat {
    public static let prefix = "ak_"
}
