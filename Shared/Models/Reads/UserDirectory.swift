import Foundation
import Logging
import PostgresNIO

/// Who a user is, read from the `users` table (owned by the accounts service) by the services
/// that only need to know: the relay (a device's owner) and subscriptions (a grant's recipient).
/// It reads no password hash and can write nothing.
public protocol UserDirectory: Sendable {
    func find(id: UUID) async throws -> User?
    /// The account with this email, already normalised (`EmailAddress.normalized`).
    func find(email: String) async throws -> User?
}

public struct PostgresUserDirectory: UserDirectory {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func find(id: UUID) async throws -> User? {
        try await first(client.query("SELECT id, email, display_name, roles, created_at FROM users WHERE id = \(id)", logger: logger))
    }

    public func find(email: String) async throws -> User? {
        try await first(client.query("SELECT id, email, display_name, roles, created_at FROM users WHERE email = \(email)", logger: logger))
    }

    private func first(_ rows: PostgresRowSequence) async throws -> User? {
        for try await row in rows.decode((UUID, String, String, [String], Date).self) {
            return User(id: row.0, email: row.1, displayName: row.2, roles: Role.parse(row.3), createdAt: row.4)
        }
        return nil
    }
}
