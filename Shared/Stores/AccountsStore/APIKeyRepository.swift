import Foundation
import Logging
import Models
import PostgresNIO

/// Access to the `api_keys` table (owned by the accounts service; every service authenticates through `APIKeyLookup`).
public protocol APIKeyRepository: APIKeyLookup {
    func create(_ key: APIKey, secretHash: Data) async throws
    /// The user's keys that are not revoked, newest first.
    func list(userId: UUID) async throws -> [APIKey]
    /// Revokes one of the user's own keys (emitting `api_key.revoked`); false when the user has no such active key.
    func revoke(id: UUID, userId: UUID, at: Date) async throws -> Bool
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
            keys.append(APIKey.decode(row))
        }
        return keys
    }

    public func revoke(id: UUID, userId: UUID, at date: Date) async throws -> Bool {
        try await Outbox.change(
            "UPDATE api_keys SET revoked_at = \(date) WHERE id = \(id) AND user_id = \(userId) AND revoked_at IS NULL RETURNING id",
            announcing: APIKeyRevoked(apiKeyId: id, userId: userId), occurredAt: date, client: client, logger: logger
        )
    }

    public func findActive(secretHash: Data) async throws -> (key: APIKey, roles: [Role])? {
        try await PostgresAPIKeyLookup(client: client, logger: logger).findActive(secretHash: secretHash)
    }
}
