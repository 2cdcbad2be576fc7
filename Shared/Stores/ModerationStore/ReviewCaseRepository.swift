import Foundation
import Logging
import Models
import PostgresNIO

/// What a decision led to.
public enum DecisionOutcome: Sendable, Equatable {
    case decided(ReviewCase)
    /// Someone decided first, or a newer submission superseded it.
    case notOpen(ReviewCase)
    case notFound
}

/// The `review_cases` and `moderation_decisions` tables (owned by the moderation service).
public protocol ReviewCaseRepository: Sendable {
    func find(id: UUID) async throws -> ReviewCase?
    /// Cases oldest first, optionally of one status, after `cursor` (opened at, id).
    func list(status: ReviewCase.Status?, after cursor: (Int64, UUID)?, limit: Int) async throws -> [ReviewCase]
    /// Decides an open case (exactly one of concurrent deciders wins), records the audit entry
    /// and emits `moderation.case_approved` or `moderation.case_rejected`.
    func decide(id: UUID, _ decision: ReviewDecision, moderatorId: UUID, at date: Date) async throws -> DecisionOutcome
}

public struct PostgresReviewCaseRepository: ReviewCaseRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let select = """
        SELECT c.id, c.strategy_id, s.name AS strategy_name, c.subject, c.version, c.status, c.checks::text AS checks,
               c.opened_at, c.decided_at, c.moderator_id, u.display_name AS moderator_name, c.note, c.reason, c.superseded_by
        FROM review_cases c
        JOIN strategies s ON s.id = c.strategy_id
        LEFT JOIN users u ON u.id = c.moderator_id
        """

    public func find(id: UUID) async throws -> ReviewCase? {
        try await Self.find(id: id, on: client, logger: logger)
    }

    static func find(id: UUID, on client: PostgresClient, logger: Logger) async throws -> ReviewCase? {
        for try await row in try await client.query("\(unescaped: select) WHERE c.id = \(id)", logger: logger) {
            return try decode(row)
        }
        return nil
    }

    /// `cursor`: the (opened at, in microseconds since 1970; id) of the last case of the previous page.
    public func list(status: ReviewCase.Status?, after cursor: (Int64, UUID)?, limit: Int) async throws -> [ReviewCase] {
        let rows = try await client.query(
            """
            \(unescaped: Self.select)
            WHERE (\(status?.rawValue)::text IS NULL OR c.status = \(status?.rawValue))
              AND (\(cursor?.1)::uuid IS NULL OR (c.opened_at, c.id) > ('epoch'::timestamptz + \(cursor?.0)::bigint * interval '1 microsecond', \(cursor?.1)))
            ORDER BY c.opened_at, c.id
            LIMIT \(limit)
            """,
            logger: logger
        )
        var cases: [ReviewCase] = []
        for try await row in rows { cases.append(try Self.decode(row)) }
        return cases
    }

    public func decide(id: UUID, _ decision: ReviewDecision, moderatorId: UUID, at date: Date) async throws -> DecisionOutcome {
        let (status, note, reason): (ReviewCase.Status, String?, String?) = switch decision {
        case .approve(let note): (.approved, note, nil)
        case .reject(let reason): (.rejected, nil, reason)
        }
        let decided = try await client.withTransaction(logger: logger) { connection -> Bool in
            // The status condition makes concurrent decisions race on one row: one updates, the rest see no row.
            let rows = try await connection.query(
                """
                UPDATE review_cases SET status = \(status.rawValue), decided_at = \(date), moderator_id = \(moderatorId),
                    note = \(note), reason = \(reason)
                WHERE id = \(id) AND status = 'open'
                RETURNING strategy_id, subject, version
                """,
                logger: logger
            )
            var updated: (String, String, Int?)?
            for try await row in rows.decode((String, String, Int?).self) { updated = row }
            guard let (strategyId, subjectText, version) = updated, let subject = ReviewSubject(rawValue: subjectText) else { return false }
            try await connection.query(
                """
                INSERT INTO moderation_decisions (case_id, moderator_id, decision, note, reason, decided_at)
                VALUES (\(id), \(moderatorId), \(status.rawValue), \(note), \(reason), \(date))
                """,
                logger: logger
            )
            switch decision {
            case .approve(let note):
                try await ModerationEventLog.emit(
                    ModerationCaseApproved(caseId: id, strategyId: strategyId, subject: subject, version: version, moderatorId: moderatorId, note: note),
                    at: date, on: connection, logger: logger
                )
            case .reject(let reason):
                try await ModerationEventLog.emit(
                    ModerationCaseRejected(caseId: id, strategyId: strategyId, subject: subject, version: version, moderatorId: moderatorId, reason: reason),
                    at: date, on: connection, logger: logger
                )
            }
            return true
        }
        guard let reviewCase = try await find(id: id) else { return .notFound }
        return decided ? .decided(reviewCase) : .notOpen(reviewCase)
    }

    /// Opens a case for `submission` in the caller's transaction: an open case of the same
    /// strategy is closed as superseded first. Emits `moderation.case_opened`.
    public static func open(
        _ submission: Submission, checks: [ReviewCheck], at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> UUID {
        let id = UUID()
        let checksJSON = String(decoding: try JSONEncoder().encode(checks), as: UTF8.self)
        // Two submissions of one strategy (consumer replicas) open their cases one after the other.
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('review:' || \(submission.strategyId)))", logger: logger)
        try await connection.query(
            """
            UPDATE review_cases SET status = 'superseded', decided_at = \(date), superseded_by = \(id)
            WHERE strategy_id = \(submission.strategyId) AND status = 'open'
            """,
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO review_cases (id, strategy_id, subject, version, status, checks, opened_at)
            VALUES (\(id), \(submission.strategyId), \(submission.subject.rawValue), \(submission.version), 'open', \(checksJSON)::jsonb, \(date))
            """,
            logger: logger
        )
        var name: String?
        for try await value in try await connection.query("SELECT name FROM strategies WHERE id = \(submission.strategyId)", logger: logger).decode(String.self) {
            name = value
        }
        try await ModerationEventLog.emit(
            ModerationCaseOpened(caseId: id, strategyId: submission.strategyId, strategyName: name, subject: submission.subject, version: submission.version),
            at: date, on: connection, logger: logger
        )
        return id
    }

    static func decode(_ row: PostgresRow) throws -> ReviewCase {
        let columns = row.makeRandomAccess()
        let subjectText = try columns["subject"].decode(String.self)
        let statusText = try columns["status"].decode(String.self)
        guard let subject = ReviewSubject(rawValue: subjectText), let status = ReviewCase.Status(rawValue: statusText) else {
            throw CorruptRow(description: "review case with subject \(subjectText) and status \(statusText)")
        }
        var moderator: ReviewCase.Moderator?
        if let moderatorId = try columns["moderator_id"].decode(UUID?.self) {
            moderator = .init(id: moderatorId, displayName: try columns["moderator_name"].decode(String?.self) ?? "")
        }
        return ReviewCase(
            id: try columns["id"].decode(UUID.self),
            strategyId: try columns["strategy_id"].decode(String.self),
            strategyName: try columns["strategy_name"].decode(String.self),
            subject: subject,
            version: try columns["version"].decode(Int?.self),
            status: status,
            checks: try JSONDecoder().decode([ReviewCheck].self, from: Data(try columns["checks"].decode(String.self).utf8)),
            openedAt: try columns["opened_at"].decode(Date.self),
            decidedAt: try columns["decided_at"].decode(Date?.self),
            moderator: moderator,
            note: try columns["note"].decode(String?.self),
            reason: try columns["reason"].decode(String?.self),
            supersededBy: try columns["superseded_by"].decode(UUID?.self)
        )
    }
}
