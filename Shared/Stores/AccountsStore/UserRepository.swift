import Foundation
import Logging
import Models
import PostgresNIO

/// Access to the `users` table (owned by the accounts service; others read it through `UserDirectory`).
public protocol UserRepository: UserDirectory {
    /// Throws `EmailTaken` when the (normalised) email already has an account. Emits `account.registered`.
    /// `metadataJSON` is the user's free-form metadata (a JSON object), `{}` for none.
    func create(email: String, displayName: String, passwordHash: String, metadataJSON: String, at: Date) async throws -> User
    /// The user and their password hash, for login.
    func findCredentials(email: String) async throws -> (user: User, passwordHash: String)?
    /// Adds the admin role; false when no account has that email.
    func grantAdmin(email: String) async throws -> Bool
    /// The user's free-form metadata (a JSON object, as the community API's clients keep it); nil when no such user.
    func metadata(id: UUID) async throws -> String?
    /// Merges a JSON object into the metadata, member by member (PostgreSQL's `jsonb ||`), unless
    /// the result would be over `maxBytes` of JSON text.
    func mergeMetadata(id: UUID, patchJSON: String, maxBytes: Int) async throws -> MetadataMerge
}

public enum MetadataMerge: Sendable, Equatable {
    case merged(User, metadataJSON: String)
    case tooLarge
    case noSuchUser
}

public struct EmailTaken: Error {}

public struct PostgresUserRepository: UserRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(email: String, displayName: String, passwordHash: String, metadataJSON: String, at date: Date) async throws -> User {
        let user = User(id: UUID(), email: email, displayName: displayName, roles: [.user], createdAt: date)
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO users (id, email, display_name, password_hash, roles, created_at, user_metadata)
                    VALUES (\(user.id), \(email), \(displayName), \(passwordHash), \(["user"]), \(date), \(metadataJSON)::jsonb)
                    """,
                    logger: logger
                )
                try await Outbox.enqueue(AccountRegistered(userId: user.id, displayName: displayName), occurredAt: date, on: connection, logger: logger)
            }
        } catch let error as PostgresTransactionError where (error.closureError as? PSQLError)?.isUniqueViolation == true {
            throw EmailTaken()
        }
        return user
    }

    public func find(id: UUID) async throws -> User? {
        try await PostgresUserDirectory(client: client, logger: logger).find(id: id)
    }

    public func find(email: String) async throws -> User? {
        try await PostgresUserDirectory(client: client, logger: logger).find(email: email)
    }

    public func findCredentials(email: String) async throws -> (user: User, passwordHash: String)? {
        let rows = try await client.query(
            "SELECT id, email, display_name, roles, created_at, password_hash FROM users WHERE email = \(email)",
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String, [String], Date, String).self) {
            let user = User(id: row.0, email: row.1, displayName: row.2, roles: Role.parse(row.3), createdAt: row.4)
            return (user, row.5)
        }
        return nil
    }

    public func grantAdmin(email: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE users SET roles = array_append(roles, 'admin')
            WHERE email = \(email) AND NOT ('admin' = ANY (roles))
            RETURNING id
            """,
            logger: logger
        )
        // Already an admin counts as success; only a missing account is false.
        if try await rows.containsRows() { return true }
        return try await findCredentials(email: email) != nil
    }

    public func metadata(id: UUID) async throws -> String? {
        let rows = try await client.query("SELECT user_metadata::text FROM users WHERE id = \(id)", logger: logger)
        for try await (metadata,) in rows.decode((String,).self) { return metadata }
        return nil
    }

    public func mergeMetadata(id: UUID, patchJSON: String, maxBytes: Int) async throws -> MetadataMerge {
        // One conditional UPDATE, so concurrent merges each keep the other's members.
        let rows = try await client.query(
            """
            UPDATE users SET user_metadata = user_metadata || \(patchJSON)::jsonb
            WHERE id = \(id) AND octet_length((user_metadata || \(patchJSON)::jsonb)::text) <= \(maxBytes)
            RETURNING id, email, display_name, roles, created_at, user_metadata::text
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String, [String], Date, String).self) {
            return .merged(User(id: row.0, email: row.1, displayName: row.2, roles: Role.parse(row.3), createdAt: row.4), metadataJSON: row.5)
        }
        return try await find(id: id) == nil ? .noSuchUser : .tooLarge
    }
}
