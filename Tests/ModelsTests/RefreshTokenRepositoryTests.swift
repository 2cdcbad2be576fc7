import AccountsStore
import Foundation
import Logging
import Models
import PostgresNIO
import TestSupport
import Testing

@Suite("Refresh token rotation against PostgreSQL")
struct RefreshTokenRepositoryTests {
    @Test("two concurrent refreshes of one token: one rotates, the other is caught as reuse")
    func concurrentRotation() async throws {
        let database = try await TestDatabase.create()
        try await database.withClient { client in
            let logger = TestDatabase.logger
            let users = PostgresUserRepository(client: client, logger: logger)
            let tokens = PostgresRefreshTokenRepository(client: client, logger: logger)
            let now = Date()
            let user = try await users.create(email: "race@example.com", displayName: "Race", passwordHash: "x", metadataJSON: "{}", at: now)
            let original = SecretToken.generate()
            let sessionId = try await tokens.issue(userId: user.id, tokenHash: original.hash, at: now, expiresAt: now.addingTimeInterval(3600))

            async let a = tokens.rotate(presentedHash: original.hash, newTokenHash: SecretToken.generate().hash, at: now, expiresAt: now.addingTimeInterval(3600))
            async let b = tokens.rotate(presentedHash: original.hash, newTokenHash: SecretToken.generate().hash, at: now, expiresAt: now.addingTimeInterval(3600))
            let outcomes = try await [a, b]
            #expect(outcomes.contains(.rotated(userId: user.id, sessionId: sessionId)))
            #expect(outcomes.contains(.reuseDetected(userId: user.id)))
            // The reuse revoked the whole family, including the successor the winner got.
            #expect(try await database.count("SELECT count(*)::int FROM refresh_tokens WHERE revoked_at IS NULL") == 0)
        }
    }
}
