import Foundation
import Logging
import Models
import PostgresNIO

/// What happened when a client presented a refresh token.
public enum RefreshOutcome: Sendable, Equatable {
    /// The token was valid; it is now used and `newTokenHash` replaces it in the same family
    /// (`sessionId`: one login session).
    case rotated(userId: UUID, sessionId: UUID)
    /// The token had been used already: someone replayed it, so the whole family is now revoked.
    case reuseDetected(userId: UUID)
    /// Unknown, expired or revoked.
    case invalid
}

/// Access to the `refresh_tokens` table (owned by the accounts service).
public protocol RefreshTokenRepository: Sendable {
    /// Starts a new family (a login) and returns its id, the session id access tokens carry.
    @discardableResult
    func issue(userId: UUID, tokenHash: Data, at: Date, expiresAt: Date) async throws -> UUID
    /// Marks the presented token used and adds its successor, or detects a replay.
    func rotate(presentedHash: Data, newTokenHash: Data, at: Date, expiresAt: Date) async throws -> RefreshOutcome
    /// Revokes the family the token belongs to (logout). Unknown tokens are ignored.
    func revokeFamily(ofTokenHash: Data, at: Date) async throws
    /// Revokes one of the user's sessions by id (logout with an access token). Unknown ids are ignored.
    func revokeSession(id: UUID, userId: UUID, at: Date) async throws
}

public struct PostgresRefreshTokenRepository: RefreshTokenRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    @discardableResult
    public func issue(userId: UUID, tokenHash: Data, at date: Date, expiresAt: Date) async throws -> UUID {
        let familyId = UUID()
        try await client.query(
            """
            INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
            VALUES (\(UUID()), \(userId), \(familyId), \(tokenHash), \(date), \(expiresAt))
            """,
            logger: logger
        )
        return familyId
    }

    public func rotate(presentedHash: Data, newTokenHash: Data, at date: Date, expiresAt: Date) async throws -> RefreshOutcome {
        try await client.withTransaction(logger: logger) { connection in
            // FOR UPDATE serialises two concurrent refreshes of one token: the second sees it used.
            let rows = try await connection.query(
                """
                SELECT user_id, family_id, expires_at, used_at, revoked_at
                FROM refresh_tokens WHERE token_hash = \(presentedHash) FOR UPDATE
                """,
                logger: logger
            )
            var found: (UUID, UUID, Date, Date?, Date?)?
            for try await row in rows.decode((UUID, UUID, Date, Date?, Date?).self) {
                found = row
            }
            guard let (userId, familyId, tokenExpiresAt, usedAt, revokedAt) = found, revokedAt == nil else {
                return .invalid
            }
            if usedAt != nil {
                try await connection.query(
                    "UPDATE refresh_tokens SET revoked_at = \(date) WHERE family_id = \(familyId) AND revoked_at IS NULL",
                    logger: logger
                )
                return .reuseDetected(userId: userId)
            }
            guard tokenExpiresAt > date else { return .invalid }
            try await connection.query(
                "UPDATE refresh_tokens SET used_at = \(date) WHERE token_hash = \(presentedHash)",
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at)
                VALUES (\(UUID()), \(userId), \(familyId), \(newTokenHash), \(date), \(expiresAt))
                """,
                logger: logger
            )
            return .rotated(userId: userId, sessionId: familyId)
        }
    }

    public func revokeFamily(ofTokenHash tokenHash: Data, at date: Date) async throws {
        try await client.query(
            """
            UPDATE refresh_tokens SET revoked_at = \(date)
            WHERE revoked_at IS NULL
              AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(tokenHash))
            """,
            logger: logger
        )
    }

    public func revokeSession(id: UUID, userId: UUID, at date: Date) async throws {
        try await client.query(
            "UPDATE refresh_tokens SET revoked_at = \(date) WHERE family_id = \(id) AND user_id = \(userId) AND revoked_at IS NULL",
            logger: logger
        )
    }
}
