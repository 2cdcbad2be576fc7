import AccountsStore
import Foundation
import Hummingbird
import Models
import ServiceKit

/// A new access token and the refresh token that renews it.
struct TokenPair: ResponseEncodable {
    let accessToken: String
    let refreshToken: String
    let tokenType = "Bearer"
    let expiresIn: Int
}

/// A signed-in session as login and refresh hand it out: whose it is, and its tokens.
struct IssuedSession: Sendable {
    let user: User
    let tokens: TokenPair
}

/// Registration, login, refresh-token rotation and logout: the one implementation behind both
/// `/v1/auth` and the community API's `/auth/v1`. Problems carry codes (GoTrue's names) so the
/// community API can answer with the reason its clients translate.
struct SessionService: Sendable {
    let users: any UserRepository
    let refreshTokens: any RefreshTokenRepository
    let throttle: LoginThrottle
    let hasher: PasswordHasher
    let tokenIssuer: AccessTokenIssuer
    let refreshTokenLifetime: TimeInterval
    let clock: any WallClock

    /// One answer for "no such email" and "wrong password", so the API does not reveal who has an account.
    static let invalidCredentials = ProblemDetails.unauthorized("The email or password is incorrect.").coded("invalid_credentials")
    static let invalidRefreshToken = ProblemDetails.unauthorized("The refresh token is invalid, expired or revoked; log in again.")
        .coded("refresh_token_not_found")

    func register(_ request: RegisterRequest, metadataJSON: String = "{}") async throws -> User {
        let hash = try await hasher.hash(request.password)
        do {
            return try await users.create(
                email: request.email, displayName: request.displayName, passwordHash: hash, metadataJSON: metadataJSON, at: clock.now()
            )
        } catch is EmailTaken {
            throw ProblemDetails.conflict("An account with this email already exists.").coded("user_already_exists")
        }
    }

    func login(_ request: LoginRequest, clientAddress: String) async throws -> IssuedSession {
        try await throttle.checkAllowed(email: request.email, clientAddress: clientAddress)
        let credentials = try await users.findCredentials(email: request.email)
        let passwordMatches = try await hasher.verify(request.password, against: credentials?.passwordHash ?? hasher.decoyHash)
        guard let user = credentials?.user, passwordMatches else {
            try await throttle.recordFailure(email: request.email, clientAddress: clientAddress)
            throw Self.invalidCredentials
        }
        try await throttle.recordSuccess(email: request.email)
        return try await startSession(for: user)
    }

    /// A new session for a user whose credentials were just checked (login) or set (signup).
    func startSession(for user: User) async throws -> IssuedSession {
        let refreshToken = SecretToken.generate()
        let now = clock.now()
        let sessionId = try await refreshTokens.issue(
            userId: user.id, tokenHash: refreshToken.hash, at: now, expiresAt: now.addingTimeInterval(refreshTokenLifetime)
        )
        return try await session(for: user, sessionId: sessionId, refreshToken: refreshToken, at: now)
    }

    func refresh(_ presented: String) async throws -> IssuedSession {
        let next = SecretToken.generate()
        let now = clock.now()
        let outcome = try await refreshTokens.rotate(
            presentedHash: SecretToken(value: presented).hash, newTokenHash: next.hash,
            at: now, expiresAt: now.addingTimeInterval(refreshTokenLifetime)
        )
        switch outcome {
        case .rotated(let userId, let sessionId):
            guard let user = try await users.find(id: userId) else { throw Self.invalidRefreshToken }
            return try await session(for: user, sessionId: sessionId, refreshToken: next, at: now)
        case .reuseDetected:
            throw ProblemDetails.unauthorized("This refresh token was already used; the session is revoked. Log in again.")
                .coded("refresh_token_already_used")
        case .invalid:
            throw Self.invalidRefreshToken
        }
    }

    func logout(_ presented: String) async throws {
        try await refreshTokens.revokeFamily(ofTokenHash: SecretToken(value: presented).hash, at: clock.now())
    }

    /// Ends the session an access token was issued in (the token itself lives out its few minutes).
    func logout(sessionId: UUID, userId: UUID) async throws {
        try await refreshTokens.revokeSession(id: sessionId, userId: userId, at: clock.now())
    }

    private func session(for user: User, sessionId: UUID, refreshToken: SecretToken, at date: Date) async throws -> IssuedSession {
        let tokens = TokenPair(
            accessToken: try await tokenIssuer.issue(for: user, sessionId: sessionId, at: date),
            refreshToken: refreshToken.value,
            expiresIn: Int(tokenIssuer.lifetime)
        )
        return IssuedSession(user: user, tokens: tokens)
    }
}
