import Foundation
import Logging
import PostgresNIO

/// A strategy by id, read from the `strategies` table (owned by the profiles service) by the
/// relay, which checks who may follow and who may emit. It can write nothing.
public protocol StrategyDirectory: Sendable {
    func find(id: String) async throws -> Strategy?
}

public struct PostgresStrategyDirectory: StrategyDirectory {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func find(id: String) async throws -> Strategy? {
        try await Self.find(id: id, on: client, logger: logger)
    }

    package static func find(id: String, on client: PostgresClient, logger: Logger) async throws -> Strategy? {
        let rows = try await client.query("\(unescaped: StrategyRows.select) WHERE s.id = \(id)", logger: logger)
        for try await row in rows { return try StrategyRows.decode(row) }
        return nil
    }
}
