import Foundation
import Logging
import Models
import PostgresNIO

public enum SubscribeOutcome: Sendable, Equatable {
    case created(Subscription)
    /// The user already had an active subscription: subscribing is idempotent.
    case existing(Subscription)
    /// No such strategy, or not published (subscribers never learn which).
    case notPublished
}

public enum CancelOutcome: Sendable, Equatable {
    case cancelled(Subscription)
    /// It had already ended otherwise (expired, revoked): nothing to cancel.
    case alreadyEnded(Subscription)
    /// No such subscription of this user, or one it cancelled already.
    case notFound
}

public enum RotateOutcome: Sendable, Equatable {
    case rotated(Subscription)
    case notActive(Subscription)
    case notFound
}

/// The `subscriptions` and `download_grants` tables (owned by the subscriptions service).
public protocol SubscriptionRepository: Sendable {
    /// Subscribes `userId` to a published strategy; emits `subscription.started` when new.
    func subscribe(userId: UUID, strategyId: String, at now: Date) async throws -> SubscribeOutcome
    /// An admin's grant: a subscription ending at `endsAt` (any existing strategy, published or
    /// not, as private-strategy members have). An active subscription gets the new end date.
    /// Nil when the strategy does not exist.
    func grant(userId: UUID, strategyId: String, endsAt: Date, grantedBy: UUID?, at now: Date) async throws -> Subscription?
    /// The user's subscriptions, newest first.
    func list(userId: UUID) async throws -> [Subscription]
    func find(id: UUID, userId: UUID) async throws -> Subscription?
    /// Cancels: the download URL stops working at once; emits `subscription.ended`. This is the
    /// API's DELETE, so a cancelled subscription is gone for its user afterwards (`find`, `list`).
    func cancel(id: UUID, userId: UUID, at now: Date) async throws -> CancelOutcome
    /// Replaces the download grant: the old URL stops working at once.
    func rotateDownloadURL(id: UUID, userId: UUID, at now: Date) async throws -> RotateOutcome
    /// Ends active subscriptions whose end date has passed, at most `limit` (replicas share the
    /// work); emits `subscription.ended` with `expired` for each. Returns how many.
    func expireDue(at now: Date, limit: Int) async throws -> Int
}

public struct PostgresSubscriptionRepository: SubscriptionRepository {
    let client: PostgresClient
    let logger: Logger
    let tokens: DownloadTokenIssuer

    public init(client: PostgresClient, logger: Logger, tokens: DownloadTokenIssuer) {
        self.client = client
        self.logger = logger
        self.tokens = tokens
    }

    static let select = """
        SELECT s.id, s.user_id, s.strategy_id, st.slug, s.status, s.started_at, s.ends_at, s.ended_at, g.id
        FROM subscriptions s
        JOIN strategies st ON st.id = s.strategy_id
        LEFT JOIN download_grants g ON g.subscription_id = s.id AND g.revoked_at IS NULL
        """

    public func subscribe(userId: UUID, strategyId: String, at now: Date) async throws -> SubscribeOutcome {
        do {
            return try await client.withTransaction(logger: logger) { connection -> SubscribeOutcome in
                // FOR SHARE: a take-down waits for this to commit, so the subscription it ends
                // afterwards includes this one.
                let published = try await connection.query(
                    "SELECT 1 FROM strategies WHERE id = \(strategyId) AND status = 'published' FOR SHARE", logger: logger
                ).containsRows()
                guard published else { return .notPublished }
                if let existing = try await activeSubscription(userId: userId, strategyId: strategyId, on: connection) {
                    guard let endsAt = existing.endsAt, endsAt <= now else { return .existing(existing) }
                    // Past its end but not yet swept by the expiry job: end it now, then start anew.
                    try await end(existing.id, status: .expired, reason: .expired, at: now, on: connection)
                }
                let id = try await insertSubscription(userId: userId, strategyId: strategyId, endsAt: nil, grantedBy: nil, at: now, on: connection)
                return .created(try await require(id, on: connection))
            }
        } catch let error as PostgresTransactionError where (error.closureError as? PSQLError)?.isUniqueViolation == true {
            // A concurrent request of the same user subscribed first: answer with that subscription.
            let rows = try await client.query(
                "\(unescaped: Self.select) WHERE s.user_id = \(userId) AND s.strategy_id = \(strategyId) AND s.status = 'active'", logger: logger
            )
            for try await row in rows { return .existing(try Self.decode(row)) }
            throw error
        }
    }

    public func grant(userId: UUID, strategyId: String, endsAt: Date, grantedBy: UUID?, at now: Date) async throws -> Subscription? {
        try await client.withTransaction(logger: logger) { connection -> Subscription? in
            guard try await connection.query("SELECT 1 FROM strategies WHERE id = \(strategyId)", logger: logger).containsRows() else { return nil }
            if let existing = try await activeSubscription(userId: userId, strategyId: strategyId, on: connection) {
                try await connection.query("UPDATE subscriptions SET ends_at = \(endsAt) WHERE id = \(existing.id)", logger: logger)
                return try await require(existing.id, on: connection)
            }
            let id = try await insertSubscription(userId: userId, strategyId: strategyId, endsAt: endsAt, grantedBy: grantedBy, at: now, on: connection)
            return try await require(id, on: connection)
        }
    }

    public func list(userId: UUID) async throws -> [Subscription] {
        // Cancelled ones were deleted by their user (DELETE); expired and revoked ones stay listed.
        let rows = try await client.query(
            "\(unescaped: Self.select) WHERE s.user_id = \(userId) AND s.status <> 'cancelled' ORDER BY s.started_at DESC, s.id", logger: logger
        )
        var subscriptions: [Subscription] = []
        for try await row in rows { subscriptions.append(try Self.decode(row)) }
        return subscriptions
    }

    public func find(id: UUID, userId: UUID) async throws -> Subscription? {
        let rows = try await client.query(
            "\(unescaped: Self.select) WHERE s.id = \(id) AND s.user_id = \(userId) AND s.status <> 'cancelled'", logger: logger
        )
        for try await row in rows { return try Self.decode(row) }
        return nil
    }

    public func cancel(id: UUID, userId: UUID, at now: Date) async throws -> CancelOutcome {
        try await client.withTransaction(logger: logger) { connection -> CancelOutcome in
            let owned = try await connection.query(
                "SELECT status FROM subscriptions WHERE id = \(id) AND user_id = \(userId) FOR UPDATE", logger: logger
            )
            var status: String?
            for try await value in owned.decode(String.self) { status = value }
            switch status.flatMap(Subscription.Status.init(rawValue:)) {
            case .active?:
                try await end(id, status: .cancelled, reason: .cancelled, at: now, on: connection)
                return .cancelled(try await require(id, on: connection))
            case .expired?, .revoked?, .takenDown?:
                return .alreadyEnded(try await require(id, on: connection))
            case .cancelled?, nil:
                return .notFound
            }
        }
    }

    public func rotateDownloadURL(id: UUID, userId: UUID, at now: Date) async throws -> RotateOutcome {
        try await client.withTransaction(logger: logger) { connection -> RotateOutcome in
            let rows = try await connection.query(
                "SELECT status, ends_at FROM subscriptions WHERE id = \(id) AND user_id = \(userId) FOR UPDATE", logger: logger
            )
            var found: (String, Date?)?
            for try await row in rows.decode((String, Date?).self) { found = row }
            // A cancelled subscription was deleted by its user: it is gone, not merely inactive.
            guard let (status, endsAt) = found, status != Subscription.Status.cancelled.rawValue else { return .notFound }
            guard status == Subscription.Status.active.rawValue, endsAt.map({ $0 > now }) ?? true else {
                return .notActive(try await require(id, on: connection))
            }
            try await connection.query(
                "UPDATE download_grants SET revoked_at = \(now) WHERE subscription_id = \(id) AND revoked_at IS NULL", logger: logger
            )
            try await insertGrant(subscriptionId: id, at: now, on: connection)
            return .rotated(try await require(id, on: connection))
        }
    }

    public func expireDue(at now: Date, limit: Int) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection -> Int in
            // SKIP LOCKED: replicas sweeping at once take different rows, and each row ends once.
            let rows = try await connection.query(
                """
                SELECT id FROM subscriptions WHERE status = 'active' AND ends_at <= \(now)
                ORDER BY ends_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """,
                logger: logger
            )
            var due: [UUID] = []
            for try await id in rows.decode(UUID.self) { due.append(id) }
            for id in due {
                try await end(id, status: .expired, reason: .expired, at: now, on: connection)
            }
            return due.count
        }
    }

    /// Ends every active subscription of a strategy that was taken down, in the caller's
    /// transaction (the consumer's inbox claim commits with it); emits `subscription.ended`
    /// with `taken_down` for each. Returns how many ended.
    @discardableResult
    public func endAll(ofTakenDown strategyId: String, at now: Date, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            "SELECT id FROM subscriptions WHERE strategy_id = \(strategyId) AND status = 'active' FOR UPDATE", logger: logger
        )
        var active: [UUID] = []
        for try await id in rows.decode(UUID.self) { active.append(id) }
        for id in active {
            try await end(id, status: .takenDown, reason: .takenDown, at: now, on: connection)
        }
        return active.count
    }

    // MARK: Steps inside a transaction

    private func activeSubscription(userId: UUID, strategyId: String, on connection: PostgresConnection) async throws -> Subscription? {
        let rows = try await connection.query(
            "\(unescaped: Self.select) WHERE s.user_id = \(userId) AND s.strategy_id = \(strategyId) AND s.status = 'active' FOR UPDATE OF s",
            logger: logger
        )
        for try await row in rows { return try Self.decode(row) }
        return nil
    }

    private func insertSubscription(
        userId: UUID, strategyId: String, endsAt: Date?, grantedBy: UUID?, at now: Date, on connection: PostgresConnection
    ) async throws -> UUID {
        let id = UUID()
        try await connection.query(
            """
            INSERT INTO subscriptions (id, user_id, strategy_id, status, started_at, ends_at, granted_by)
            VALUES (\(id), \(userId), \(strategyId), 'active', \(now), \(endsAt), \(grantedBy))
            """,
            logger: logger
        )
        try await insertGrant(subscriptionId: id, at: now, on: connection)
        try await Outbox.enqueue(SubscriptionStarted(subscriptionId: id, userId: userId, strategyId: strategyId), occurredAt: now, on: connection, logger: logger)
        return id
    }

    private func insertGrant(subscriptionId: UUID, at now: Date, on connection: PostgresConnection) async throws {
        let grantId = UUID()
        try await connection.query(
            """
            INSERT INTO download_grants (id, subscription_id, token_hash, created_at)
            VALUES (\(grantId), \(subscriptionId), \(DownloadTokenIssuer.hash(tokens.token(for: grantId))), \(now))
            """,
            logger: logger
        )
    }

    /// Ends an active subscription: status, end time, grant revoked, `subscription.ended`.
    private func end(_ id: UUID, status: Subscription.Status, reason: SubscriptionEnded.Reason, at now: Date, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            UPDATE subscriptions SET status = \(status.rawValue), ended_at = \(now)
            WHERE id = \(id) AND status = 'active'
            RETURNING user_id, strategy_id
            """,
            logger: logger
        )
        for try await (userId, strategyId) in rows.decode((UUID, String).self) {
            try await connection.query(
                "UPDATE download_grants SET revoked_at = \(now) WHERE subscription_id = \(id) AND revoked_at IS NULL", logger: logger
            )
            try await Outbox.enqueue(
                SubscriptionEnded(subscriptionId: id, userId: userId, strategyId: strategyId, reason: reason),
                occurredAt: now, on: connection, logger: logger
            )
        }
    }

    private func require(_ id: UUID, on connection: PostgresConnection) async throws -> Subscription {
        for try await row in try await connection.query("\(unescaped: Self.select) WHERE s.id = \(id)", logger: logger) {
            return try Self.decode(row)
        }
        throw CorruptRow(description: "subscription \(id) vanished inside its transaction")
    }

    static func decode(_ row: PostgresRow) throws -> Subscription {
        let (id, userId, strategyId, slug, status, startedAt, endsAt, endedAt, grantId) = try row.decode(
            (UUID, UUID, String, String, String, Date, Date?, Date?, UUID?).self
        )
        guard let status = Subscription.Status(rawValue: status) else {
            throw CorruptRow(description: "subscription \(id) has status \(status)")
        }
        return Subscription(
            id: id, userId: userId, strategyId: strategyId, strategySlug: slug, status: status, startedAt: startedAt,
            endsAt: endsAt, endedAt: endedAt, grantId: grantId
        )
    }
}
