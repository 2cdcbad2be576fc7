import Foundation
import Logging
import Models
import PostgresNIO

/// The `web_sessions` table (owned by the web service).
protocol WebSessionStore: Sendable {
    func create(_ session: WebSession, at: Date) async throws
    /// The session for a cookie, unless it has expired.
    func find(cookieHash: Data, at: Date) async throws -> WebSession?
    /// Stores renewed tokens, only if the session still holds `previousRefreshToken`: of two
    /// replicas refreshing one session at once, one wins and the other reads its result.
    func renew(cookieHash: Data, previousRefreshToken: String, accessToken: String, accessExpiresAt: Date, refreshToken: String) async throws -> Bool
    func delete(cookieHash: Data) async throws
    /// Removes expired sessions.
    func prune(at: Date) async throws
}

struct PostgresWebSessionStore: WebSessionStore {
    let client: PostgresClient
    let logger: Logger

    func create(_ session: WebSession, at date: Date) async throws {
        try await client.query(
            """
            INSERT INTO web_sessions (cookie_hash, user_id, display_name, is_admin, access_token, access_expires_at, refresh_token, created_at, expires_at)
            VALUES (\(session.cookieHash), \(session.userId), \(session.displayName), \(session.isAdmin), \(session.accessToken),
                    \(session.accessExpiresAt), \(session.refreshToken), \(date), \(session.expiresAt))
            """,
            logger: logger
        )
    }

    func find(cookieHash: Data, at date: Date) async throws -> WebSession? {
        let rows = try await client.query(
            """
            SELECT user_id, display_name, is_admin, access_token, access_expires_at, refresh_token, expires_at
            FROM web_sessions WHERE cookie_hash = \(cookieHash) AND expires_at > \(date)
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, String, Bool, String, Date, String, Date).self) {
            return WebSession(
                cookieHash: cookieHash, userId: row.0, displayName: row.1, isAdmin: row.2, accessToken: row.3,
                accessExpiresAt: row.4, refreshToken: row.5, expiresAt: row.6
            )
        }
        return nil
    }

    func renew(cookieHash: Data, previousRefreshToken: String, accessToken: String, accessExpiresAt: Date, refreshToken: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE web_sessions SET access_token = \(accessToken), access_expires_at = \(accessExpiresAt), refresh_token = \(refreshToken)
            WHERE cookie_hash = \(cookieHash) AND refresh_token = \(previousRefreshToken)
            RETURNING cookie_hash
            """,
            logger: logger
        )
        return try await rows.containsRows()
    }

    func delete(cookieHash: Data) async throws {
        try await client.query("DELETE FROM web_sessions WHERE cookie_hash = \(cookieHash)", logger: logger)
    }

    func prune(at date: Date) async throws {
        try await client.query("DELETE FROM web_sessions WHERE expires_at <= \(date)", logger: logger)
    }
}
