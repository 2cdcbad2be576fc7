import Foundation
import Models

/// Who is making a request and with what kind of credential.
public struct Principal: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// A user's access token (a JWT), identified by its `jti`, issued in login session `sessionId`.
        case accessToken(tokenId: String, sessionId: UUID?)
        /// A bot's API key, limited to its scopes and (if any are named) its strategies.
        case apiKey(id: UUID, scopes: [APIKeyScope], strategyIds: [String])
    }

    public let userId: UUID
    public let roles: [Role]
    public let credential: Credential

    public init(userId: UUID, roles: [Role], credential: Credential) {
        self.userId = userId
        self.roles = roles
        self.credential = credential
    }

    public var isAdmin: Bool { roles.contains(.admin) }
}

extension AppRequestContext {
    /// The signed-in user (access token). 401 when anonymous; 403 for an API key, which only
    /// works on the signal endpoints.
    public func requireUser() throws -> Principal {
        guard let identity else {
            throw ProblemDetails.unauthorized("Sign in: send Authorization: Bearer <access token>.")
        }
        guard case .accessToken = identity.credential else {
            throw ProblemDetails.forbidden("API keys only work for signals; this endpoint needs a user access token.")
        }
        return identity
    }

    /// The signed-in admin. 401 when anonymous, 403 for anyone else.
    public func requireAdmin() throws -> Principal {
        let user = try requireUser()
        guard user.isAdmin else { throw ProblemDetails.forbidden("Only admins may do this.") }
        return user
    }
}
