import Foundation
import Logging
import PostgresNIO

/// An API key by its secret, read from the `api_keys` table (owned by the accounts service) by
/// every service's bearer authentication.
public protocol APIKeyLookup: Sendable {
    /// The active key with this secret hash, with its owner's roles.
    func findActive(secretHash: Data) async throws -> (key: APIKey, roles: [Role])?
}

public struct PostgresAPIKeyLookup: APIKeyLookup {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
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
            return (APIKey.decode((row.0, row.1, row.2, row.3, row.4, row.5, row.6)), Role.parse(row.7))
        }
        return nil
    }
}

extension APIKey {
    /// An `api_keys` row as its repository and this lookup select it.
    package static func decode(_ row: (UUID, UUID, String, String, [String], [String], Date)) -> APIKey {
        APIKey(
            id: row.0, userId: row.1, name: row.2, prefix: row.3,
            scopes: row.4.compactMap(APIKeyScope.init(rawValue:)), strategyIds: row.5, createdAt: row.6
        )
    }
}
