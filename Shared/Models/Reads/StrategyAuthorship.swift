import Foundation
import Logging
import PostgresNIO

/// Who authors which strategy, read from the `strategies` table (owned by the profiles service).
public protocol StrategyAuthorship: Sendable {
    /// The subset of `strategyIds` that `userId` authors.
    func authoredStrategies(_ strategyIds: [String], by userId: UUID) async throws -> Set<String>
}

public struct PostgresStrategyAuthorship: StrategyAuthorship {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func authoredStrategies(_ strategyIds: [String], by userId: UUID) async throws -> Set<String> {
        let rows = try await client.query(
            "SELECT id FROM strategies WHERE author_id = \(userId) AND id = ANY(\(strategyIds))",
            logger: logger
        )
        var authored: Set<String> = []
        for try await id in rows.decode(String.self) {
            authored.insert(id)
        }
        return authored
    }
}
