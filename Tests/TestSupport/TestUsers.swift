import AccountsStore
import Foundation
import JWTKit
import Logging
import Models
import ServiceKit

/// A signed-in test user: their id and an access token.
public struct TestUser: Sendable {
    public let id: UUID
    public let token: String
}

/// Stands in for the accounts service: makes users in a test database and signs access tokens
/// for them with a key the services under test are configured to trust.
public struct TestAccounts: Sendable {
    public let signingKey = ES256PrivateKey()

    public init() {}

    /// The PEM to give services as `JWT_PUBLIC_KEY`.
    public var publicKeyPEM: String { signingKey.publicKey.pemRepresentation }

    /// A user whose token is issued at `date`; the account may be older (`accountCreatedAt`).
    public func user(_ name: String, admin: Bool = false, in database: TestDatabase, at date: Date, accountCreatedAt: Date? = nil) async throws -> TestUser {
        let email = "\(name)-\(UUID().uuidString.prefix(8))@example.com".lowercased()
        let user = try await database.withClient { client in
            let users = PostgresUserRepository(client: client, logger: TestDatabase.logger)
            let user = try await users.create(email: email, displayName: name, passwordHash: "unused", metadataJSON: "{}", at: accountCreatedAt ?? date)
            if admin { _ = try await users.grantAdmin(email: email) }
            return user
        }
        return TestUser(id: user.id, token: try await token(userId: user.id, admin: admin, at: date))
    }

    /// A new access token for an existing user, issued at `date` (after a test moved its clock on).
    public func token(userId: UUID, admin: Bool = false, at date: Date) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: signingKey)
        let claims = AccessTokenClaims(
            userId: userId, roles: admin ? ["user", "admin"] : ["user"], issuedAt: date,
            expiresAt: date.addingTimeInterval(900), issuer: "astrolab", audience: "astrolab", tokenId: UUID().uuidString
        )
        return try await keys.sign(claims)
    }
}
