import Foundation
import Logging
import PostgresNIO

/// Access to the `api_keys` table (owned by the accounts service; every service authenticates with it).
public protocol APIKeyRepository: Sendable {
    func create(_ key: APIKey, secretHash: Data) async throws
    /// The user's keys that are not revoked, newest first.
    func list(userId: UUID) async throws -> [APIKey]
    /// Revokes one of the user's own keys (emitting `api_key.revoked`); false when the user has no such active key.
    func revoke(id: UUID, userId: UUID, at: Date) async throws -> Bool
    /// The active key with this secret hash, with its owner's roles, for authentication.
    func findActive(secretHash: Data) async throws -> (key: APIKey, roles: [Role])?
}

public struct PostgresAPIKeyRepository: APIKeyRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(_ key: APIKey, secretHash: Data) async throws {
        try await client.query(
            """
            INSERT INTO api_keys (id, user_id, name, key_prefix, key_hash, scopes, strategy_ids, created_at)
            VALUES (\(key.id), \(key.userId), \(key.name), \(key.prefix), \(secretHash),
                    \(key.scopes.map(\.rawValue)), \(key.strategyIds), \(key.createdAt))
            """,
            logger: logger
        )
    }

    public func list(userId: UUID) async throws -> [APIKey] {
        let rows = try await client.query(
            """
            SELECT id, user_id, name, key_prefix, scopes, strategy_ids, created_at
            FROM api_keys WHERE user_id = \(userId) AND revoked_at IS NULL
            ORDER BY created_at DESC, id
            """,
            logger: logger
        )
        var keys: [APIKey] = []
        for try await row in rows.decode((UUID, UUID, String, String, [String], [String], Date).self) {
            keys.append(Self.key(row))
        }
        return keys
    }

    public func revoke(id: UUID, userId: UUID, at date: Date) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE api_keys SET revoked_at = \(date)
                WHERE id = \(id) AND user_id = \(userId) AND revoked_at IS NULL
                RETURNING id
                """,
                logger: logger
            )
            let revoked = try await rows.containsRows()
            if revoked {
                try await Outbox.enqueue(APIKeyRevoked(apiKeyId: id, userId: userId), occurredAt: date, on: connection, logger: logger)
            }
            return revoked
        }
    }

    public func findActive(secretHash: Data) async throws -> (key: APIKey, roles: [Role])? {
        let rows = try await client.query(
            """
            SELECT k.id, k.user_id, k.name, k.key_prefix, k.scopes, k.strategy_ids, k.created_at, u.roles
            FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.key_hash = \(secretHash) AND k.revoked_at IS NULL
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, UUID, String, String, [String], [String], Date, [String]).self) {
            return (Self.key((row.0, row.1, row.2, row.3, row.4, row.5, row.6)), Role.parse(row.7))
        }
        return nil
    }

    private static func key(_ row: (UUID, UUID, String, String, [String], [String], Date)) -> APIKey {
        APIKey(
            id: row.0, userId: row.1, name: row.2, prefix: row.3,
            scopes: row.4.compactMap(APIKeyScope.init(rawValue:)), strategyIds: row.5, createdAt: row.6
        )
    }
}
