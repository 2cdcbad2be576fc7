import APIShapes
import Foundation
import Hummingbird
import Logging
import Models

/// Signing in and out of the web app, and the session behind a request. The cookie is a random
/// secret (only its hash is stored); the tokens it stands for never reach the browser.
struct WebSessions: Sendable {
    let store: any WebSessionStore
    let api: AstrolabAPI
    let cookies: CookiePolicy
    let clock: any WallClock
    let logger: Logger

    static let cookieName = "astrolab_session"
    /// How long a session lasts without use: the API's refresh-token lifetime.
    static let lifetime: TimeInterval = 30 * 86_400
    /// Tokens closer than this to expiring are refreshed before the request uses them.
    static let refreshMargin: TimeInterval = 30

    /// The signed-in session of the request, with a current access token; nil when signed out
    /// (no cookie, an unknown or expired one, or a refresh the API refused).
    func current(_ request: Request) async throws -> WebSession? {
        guard let cookie = request.cookies[Self.cookieName]?.value, !cookie.isEmpty else { return nil }
        let hash = SecretToken(value: cookie).hash
        guard let session = try await store.find(cookieHash: hash, at: clock.now()) else { return nil }
        guard session.accessExpiresAt.timeIntervalSince(clock.now()) < Self.refreshMargin else { return session }
        return try await refreshed(session)
    }

    private func refreshed(_ session: WebSession) async throws -> WebSession? {
        let answer = try await api.post("/v1/auth/refresh", token: nil, json: ["refreshToken": session.refreshToken])
        guard answer.isSuccess else {
            // Another replica may have rotated it a moment ago: its result is in the store.
            if let renewed = try await store.find(cookieHash: session.cookieHash, at: clock.now()), renewed.refreshToken != session.refreshToken {
                return renewed
            }
            // Only the API's "no" ends the session; an outage must not sign everyone out.
            guard answer.status == 401 else { throw SessionRefreshUnavailable(status: answer.status) }
            try await store.delete(cookieHash: session.cookieHash)
            return nil
        }
        let tokens = try answer.decode(TokensBody.self)
        let expiresAt = clock.now().addingTimeInterval(TimeInterval(tokens.expiresIn))
        let stored = try await store.renew(
            cookieHash: session.cookieHash, previousRefreshToken: session.refreshToken,
            accessToken: tokens.accessToken, accessExpiresAt: expiresAt, refreshToken: tokens.refreshToken
        )
        guard stored else { return try await store.find(cookieHash: session.cookieHash, at: clock.now()) }
        return WebSession(
            cookieHash: session.cookieHash, userId: session.userId, displayName: session.displayName, isAdmin: session.isAdmin,
            accessToken: tokens.accessToken, accessExpiresAt: expiresAt, refreshToken: tokens.refreshToken, expiresAt: session.expiresAt
        )
    }

    /// Logs in with the API; the cookie to set on success, the API's problem otherwise.
    /// Signs in for the browser at `clientAddress`, which the login throttle counts (not the web app's own).
    func signIn(email: String, password: String, clientAddress: String) async throws -> Result<Cookie, APIProblem> {
        let login = try await api.post("/v1/auth/login", token: nil, json: ["email": email, "password": password], clientAddress: clientAddress)
        guard login.isSuccess else { return .failure(login.problem) }
        let tokens = try login.decode(TokensBody.self)
        let me = try await api.get("/v1/me", token: tokens.accessToken)
        guard me.isSuccess else { return .failure(me.problem) }
        let user = try me.decode(UserBody.self)
        let secret = SecretToken.generate()
        let now = clock.now()
        try await store.create(
            WebSession(
                cookieHash: secret.hash, userId: UUID(uuidString: user.id) ?? UUID(), displayName: user.displayName,
                isAdmin: user.roles.contains("admin"), accessToken: tokens.accessToken,
                accessExpiresAt: now.addingTimeInterval(TimeInterval(tokens.expiresIn)), refreshToken: tokens.refreshToken,
                expiresAt: now.addingTimeInterval(Self.lifetime)
            ),
            at: now
        )
        try await store.prune(at: now)
        return .success(cookies.cookie(Self.cookieName, value: secret.value, maxAge: Int(Self.lifetime)))
    }

    /// Ends the session: the API revokes its refresh token, the row goes; the cookie to clear it.
    func signOut(_ session: WebSession) async throws -> Cookie {
        let answer = try await api.post("/v1/auth/logout", token: nil, json: ["refreshToken": session.refreshToken])
        if !answer.isSuccess { logger.warning("logout was refused by the API", metadata: ["status": "\(answer.status)"]) }
        try await store.delete(cookieHash: session.cookieHash)
        return cookies.cookie(Self.cookieName, value: "", maxAge: 0)
    }
}

/// The API could not refresh a session (it answered neither yes nor no): the page fails, the session stays.
struct SessionRefreshUnavailable: Error {
    let status: Int
}

/// How the web app's cookies are made: HttpOnly, `SameSite=Lax`, `Secure` behind https.
struct CookiePolicy: Sendable {
    let secure: Bool

    func cookie(_ name: String, value: String, maxAge: Int, sameSite: Cookie.SameSite = .lax) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: sameSite)
    }
}
