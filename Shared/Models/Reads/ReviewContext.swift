import Foundation
import Logging
import OctoBotFormats
import PostgresNIO

/// What the automated checks look at, read in the transaction that opens the case: the strategy
/// as it will look if approved (pending edits applied), the submitted version, the author, and
/// the names of other published strategies.
public struct ReviewContext: Sendable {
    public let strategy: Strategy
    public let version: ProfileVersion?
    public let authorCreatedAt: Date
    public let otherPublished: [(id: String, name: String)]

    /// The name and description the public would see after approval.
    public var proposedName: String { strategy.pendingListing?.name ?? strategy.name }
    public var proposedDescription: String { strategy.pendingListing?.description ?? strategy.description }
    public var proposedExchanges: [String] {
        if let version { return version.summary.exchanges }
        return strategy.pendingListing?.exchange.map { [$0] } ?? strategy.exchanges
    }
    public var proposedPairs: [String] { version?.summary.pairs ?? strategy.pendingListing?.pairs ?? strategy.pairs }

    public static func load(_ submission: Submission, on connection: PostgresConnection, logger: Logger) async throws -> ReviewContext? {
        var strategy: Strategy?
        for try await row in try await connection.query("\(unescaped: StrategyRows.select) WHERE s.id = \(submission.strategyId)", logger: logger) {
            strategy = try StrategyRows.decode(row)
        }
        guard let strategy else { return nil }
        var version: ProfileVersion?
        if let number = submission.version {
            let rows = try await connection.query(
                "\(unescaped: ProfileVersionRows.select) WHERE strategy_id = \(strategy.id) AND number = \(number)", logger: logger
            )
            for try await row in rows { version = try ProfileVersionRows.decode(row) }
        }
        var authorCreatedAt = Date.distantPast
        for try await createdAt in try await connection.query("SELECT created_at FROM users WHERE id = \(strategy.author.id)", logger: logger).decode(Date.self) {
            authorCreatedAt = createdAt
        }
        var others: [(String, String)] = []
        let rows = try await connection.query(
            "SELECT id, name FROM strategies WHERE status = 'published' AND id <> \(strategy.id)", logger: logger
        )
        for try await row in rows.decode((String, String).self) { others.append(row) }
        return ReviewContext(strategy: strategy, version: version, authorCreatedAt: authorCreatedAt, otherPublished: others)
    }
}
