import Foundation
import Logging
import Models
import PostgresNIO

/// A published strategy removed by a moderator.
public struct TakeDown: Sendable, Equatable {
    public let strategyId: String
    public let strategyName: String
    public let moderator: ReviewCase.Moderator
    public let reason: String
    public let takenDownAt: Date
}

public enum TakeDownOutcome: Sendable, Equatable {
    case takenDown(TakeDown)
    /// It was taken down before (by anyone): the first record stands.
    case alreadyTakenDown(TakeDown)
    /// It exists but is not public (draft, under its first review, rejected): reject its case instead.
    case notPublished
    case notFound
}

/// The `strategy_takedowns` table (owned by the moderation service).
public protocol TakeDownRepository: Sendable {
    /// Records the take-down (exactly one of concurrent moderators wins), closes the strategy's
    /// open review cases as superseded, and emits `moderation.strategy_taken_down`, on which
    /// profiles hides the strategy and subscriptions end its subscriptions.
    func takeDown(strategyId: String, reason: String, moderatorId: UUID, at date: Date) async throws -> TakeDownOutcome
}

public struct PostgresTakeDownRepository: TakeDownRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func takeDown(strategyId: String, reason: String, moderatorId: UUID, at date: Date) async throws -> TakeDownOutcome {
        enum Decision { case missing, notPublished, existing, recorded }
        let decision = try await client.withTransaction(logger: logger) { connection -> Decision in
            // The same lock as opening a case: a submission arriving now opens its case before
            // this closes the open ones, or after this is recorded (and profiles ignores it).
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('review:' || \(strategyId)))", logger: logger)
            if try await connection.query("SELECT 1 FROM strategy_takedowns WHERE strategy_id = \(strategyId)", logger: logger).containsRows() {
                return .existing
            }
            var status: String?
            for try await value in try await connection.query("SELECT status FROM strategies WHERE id = \(strategyId)", logger: logger).decode(String.self) {
                status = value
            }
            guard let status else { return .missing }
            // A published strategy may have a newer version or edits under review: still public.
            guard status == StrategyStatus.published.rawValue else { return .notPublished }
            try await connection.query(
                """
                INSERT INTO strategy_takedowns (strategy_id, moderator_id, reason, taken_down_at)
                VALUES (\(strategyId), \(moderatorId), \(reason), \(date))
                """,
                logger: logger
            )
            try await connection.query(
                "UPDATE review_cases SET status = 'superseded', decided_at = \(date) WHERE strategy_id = \(strategyId) AND status = 'open'",
                logger: logger
            )
            try await ModerationEventLog.emit(
                ModerationStrategyTakenDown(strategyId: strategyId, moderatorId: moderatorId, reason: reason), at: date, on: connection, logger: logger
            )
            return .recorded
        }
        switch decision {
        case .missing: return .notFound
        case .notPublished: return .notPublished
        case .existing, .recorded:
            guard let record = try await find(strategyId: strategyId) else { return .notFound }
            return decision == .recorded ? .takenDown(record) : .alreadyTakenDown(record)
        }
    }

    func find(strategyId: String) async throws -> TakeDown? {
        let rows = try await client.query(
            """
            SELECT t.strategy_id, s.name, t.moderator_id, u.display_name, t.reason, t.taken_down_at
            FROM strategy_takedowns t JOIN strategies s ON s.id = t.strategy_id JOIN users u ON u.id = t.moderator_id
            WHERE t.strategy_id = \(strategyId)
            """,
            logger: logger
        )
        for try await (id, name, moderatorId, moderatorName, reason, at) in rows.decode((String, String, UUID, String, String, Date).self) {
            return TakeDown(strategyId: id, strategyName: name, moderator: .init(id: moderatorId, displayName: moderatorName), reason: reason, takenDownAt: at)
        }
        return nil
    }
}
