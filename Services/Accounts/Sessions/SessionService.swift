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

/// Registration, login, refresh-token rotation and logout.
struct SessionService: Sendable {
    let users: any UserRepository
    let refreshTokens: any RefreshTokenRepository
    let throttle: LoginThrottle
    let hasher: PasswordHasher
    let tokenIssuer: AccessTokenIssuer
    let refreshTokenLifetime: TimeInterval
    let clock: any WallClock

    /// One answer for "no such email" and "wrong password", so the API does not reveal who has an account.
    static let invalidCredentials = ProblemDetails.unauthorized("The email or password is incorrect.")
    static let invalidRefreshToken = ProblemDetails.unauthorized("The refresh token is invalid, expired or revoked; log in again.")

    func register(_ request: RegisterRequest) async throws -> User {
        let hash = try await hasher.hash(request.password)
        do {
            return try await users.create(
                email: request.email, displayName: request.displayName, passwordHash: hash, at: clock.now()
            )
        } catch is EmailTaken {
            throw ProblemDetails.conflict("An account with this email already exists.")
        }
    }

    func login(_ request: LoginRequest, clientAddress: String) async throws -> TokenPair {
        try await throttle.checkAllowed(email: request.email, clientAddress: clientAddress)
        let credentials = try await users.findCredentials(email: request.email)
        let passwordMatches = try await hasher.verify(request.password, against: credentials?.passwordHash ?? hasher.decoyHash)
        guard let user = credentials?.user, passwordMatches else {
            try await throttle.recordFailure(email: request.email, clientAddress: clientAddress)
            throw Self.invalidCredentials
        }
        try await throttle.recordSuccess(email: request.email)
        let refreshToken = SecretToken.generate()
        let now = clock.now()
        try await refreshTokens.issue(
            userId: user.id, tokenHash: refreshToken.hash, at: now, expiresAt: now.addingTimeInterval(refreshTokenLifetime)
        )
        return try await tokenPair(for: user, refreshToken: refreshToken, at: now)
    }

    func refresh(_ presented: String) async throws -> TokenPair {
        let next = SecretToken.generate()
        let now = clock.now()
        let outcome = try await refreshTokens.rotate(
            presentedHash: SecretToken(value: presented).hash, newTokenHash: next.hash,
            at: now, expiresAt: now.addingTimeInterval(refreshTokenLifetime)
        )
        switch outcome {
        case .rotated(let userId):
            guard let user = try await users.find(id: userId) else { throw Self.invalidRefreshToken }
            return try await tokenPair(for: user, refreshToken: next, at: now)
        case .reuseDetected:
            throw ProblemDetails.unauthorized("This refresh token was already used; the session is revoked. Log in again.")
        case .invalid:
            throw Self.invalidRefreshToken
        }
    }

    func logout(_ presented: String) async throws {
        try await refreshTokens.revokeFamily(ofTokenHash: SecretToken(value: presented).hash, at: clock.now())
    }

    private func tokenPair(for user: User, refreshToken: SecretToken, at date: Date) async throws -> TokenPair {
        TokenPair(
            accessToken: try await tokenIssuer.issue(for: user, at: date),
            refreshToken: refreshToken.value,
            expiresIn: Int(tokenIssuer.lifetime)
        )
    }
}
