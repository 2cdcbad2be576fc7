import Logging
import PostgresNIO

/// Runs `body` with a started client and shuts the client down afterwards: for command-line
/// tools and tests, which have no `ServiceGroup` to run it in.
@discardableResult
public func withPostgresClient<Result: Sendable>(
    _ configuration: PostgresClient.Configuration,
    logger: Logger,
    _ body: @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
