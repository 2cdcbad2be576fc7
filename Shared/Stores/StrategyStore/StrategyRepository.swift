import Foundation
import Logging
import Models
import PostgresNIO

/// What a new strategy starts with.
public struct NewStrategy: Sendable {
    public let authorId: UUID
    public let name: String
    public let description: String
    public let kind: StrategyKind
    /// Signal strategies only: the default exchange and traded pairs.
    public let exchange: String?
    public let pairs: [String]

    public init(authorId: UUID, name: String, description: String, kind: StrategyKind, exchange: String?, pairs: [String]) {
        self.authorId = authorId
        self.name = name
        self.description = description
        self.kind = kind
        self.exchange = exchange
        self.pairs = pairs
    }
}

/// What asking for a review of a signal strategy's listing led to.
public enum ListingSubmission: Sendable, Equatable {
    case submitted(Strategy)
    /// It already waits for review.
    case alreadyPending
    /// It is published and nothing changed since.
    case nothingToReview
    /// Signal strategies need an exchange and at least one pair before review.
    case incomplete
    /// Moderation took it down: nothing is reviewed again.
    case takenDown
}

/// The `strategies` table and its logos (owned by the profiles service).
public protocol StrategyRepository: StrategyDirectory {
    /// Creates a draft with a fresh identifier; emits `strategy.created`.
    func create(_ strategy: NewStrategy, at date: Date) async throws -> Strategy
    /// Applies `changes` to a draft or rejected strategy at once, or keeps them pending review
    /// on a published one. Throws `StrategyNotFound`, or `StrategyFrozen` once it was taken down.
    func updateListing(id: String, changes: ListingChanges, at date: Date) async throws -> Strategy?
    /// Sends a signal strategy's listing to review; emits `strategy.listing_submitted`.
    func submitListing(id: String, at date: Date) async throws -> ListingSubmission
    /// Published strategies matching `query`, in its order, at most `query.limit`.
    func catalog(_ query: CatalogQuery) async throws -> [Strategy]
    /// Every strategy of one author, whatever its status, newest first (the author's editor).
    func authored(by authorId: UUID) async throws -> [Strategy]
    /// Stores a logo: shown at once on an unpublished strategy, after the next approval on a published one.
    func setLogo(strategyId: String, image: StrategyLogo, at date: Date) async throws
    /// The logo the public sees.
    func logo(strategyId: String) async throws -> StrategyLogo?
}

/// A strategy's image, type-checked from its bytes.
public struct StrategyLogo: Sendable, Equatable {
    public let bytes: [UInt8]
    public let contentType: String
    public let sha256: String

    public init(bytes: [UInt8], contentType: String, sha256: String) {
        self.bytes = bytes
        self.contentType = contentType
        self.sha256 = sha256
    }
}

public struct PostgresStrategyRepository: StrategyRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(_ new: NewStrategy, at date: Date) async throws -> Strategy {
        // Identifiers are random; on the rare collision, draw again.
        for _ in 0..<5 {
            let id = StrategyID.random()
            do {
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query(
                        """
                        INSERT INTO strategies (id, author_id, slug, name, description, kind, exchanges, pairs, created_at, updated_at)
                        VALUES (\(id), \(new.authorId), \(Slug.make(from: new.name)), \(new.name), \(new.description),
                                \(new.kind.rawValue), \(new.exchange.map { [$0] } ?? []), \(new.pairs), \(date), \(date))
                        """,
                        logger: logger
                    )
                    try await Outbox.enqueue(
                        StrategyCreated(strategyId: id, authorId: new.authorId, kind: new.kind.rawValue, name: new.name),
                        occurredAt: date, on: connection, logger: logger
                    )
                }
            } catch let error as PostgresTransactionError where (error.closureError as? PSQLError)?.isUniqueViolation == true {
                continue
            }
            guard let strategy = try await find(id: id) else { throw CorruptRow(description: "strategy \(id) vanished after insert") }
            return strategy
        }
        throw CorruptRow(description: "could not draw an unused strategy identifier")
    }

    public func find(id: String) async throws -> Strategy? {
        try await Self.find(id: id, on: client, logger: logger)
    }

    static func find(id: String, on client: PostgresClient, logger: Logger) async throws -> Strategy? {
        try await PostgresStrategyDirectory.find(id: id, on: client, logger: logger)
    }

    public func updateListing(id: String, changes: ListingChanges, at date: Date) async throws -> Strategy? {
        try await client.withTransaction(logger: logger) { connection -> Void in
            let locked = try await StrategyLock.lockForEdit(id: id, on: connection, logger: logger)
            if locked.status == .published {
                guard changes.hasEdits else { return }
                let pending = (locked.pendingListing ?? ListingChanges()).merged(with: changes)
                try await connection.query(
                    "UPDATE strategies SET pending_listing = \(try StrategyLock.json(pending))::jsonb, updated_at = \(date) WHERE id = \(id)",
                    logger: logger
                )
            } else {
                try await StrategyLock.apply(changes, to: locked, at: date, on: connection, logger: logger)
            }
        }
        return try await find(id: id)
    }

    public func submitListing(id: String, at date: Date) async throws -> ListingSubmission {
        /// What the transaction decided; the submitted strategy is read after commit.
        enum Decision { case missing, refused(ListingSubmission), submitted }
        let decision = try await client.withTransaction(logger: logger) { connection -> Decision in
            guard let locked = try await StrategyLock.lock(id: id, on: connection, logger: logger) else { return .missing }
            let pending = locked.pendingListing ?? ListingChanges()
            let exchanges = pending.exchange.map { [$0] } ?? locked.exchanges
            guard !exchanges.isEmpty, !(pending.pairs ?? locked.pairs).isEmpty else { return .refused(.incomplete) }
            switch locked.status {
            case .takenDown:
                return .refused(.takenDown)
            case .pendingReview:
                return .refused(.alreadyPending)
            case .published:
                let hasPendingLogo = try await StrategyLock.hasPendingLogo(id: id, on: connection, logger: logger)
                guard locked.pendingListing?.isReviewable == true || hasPendingLogo else { return .refused(.nothingToReview) }
            case .draft, .rejected:
                try await connection.query(
                    "UPDATE strategies SET status = 'pending_review', rejection_reason = NULL, updated_at = \(date) WHERE id = \(id)",
                    logger: logger
                )
            }
            try await Outbox.enqueue(StrategyListingSubmitted(strategyId: id, authorId: locked.authorId), occurredAt: date, on: connection, logger: logger)
            return .submitted
        }
        switch decision {
        case .missing: throw StrategyNotFound(id: id)
        case .refused(let outcome): return outcome
        case .submitted:
            guard let strategy = try await find(id: id) else { throw StrategyNotFound(id: id) }
            return .submitted(strategy)
        }
    }

    public func catalog(_ query: CatalogQuery) async throws -> [Strategy] {
        let pattern = query.text.map { "%" + CatalogQuery.escapeLike($0) + "%" }
        let after = query.after
        let rows = try await client.query(
            """
            \(unescaped: StrategyRows.select)
            WHERE s.status = 'published'
              AND (\(pattern)::text IS NULL OR s.name ILIKE \(pattern) OR s.description ILIKE \(pattern))
              AND (\(query.kind?.rawValue)::text IS NULL OR s.kind = \(query.kind?.rawValue))
              AND (\(query.exchange)::text IS NULL OR lower(\(query.exchange)) = ANY (s.exchanges))
              AND (\(query.pair)::text IS NULL OR upper(\(query.pair)) IN (SELECT upper(p) FROM unnest(s.pairs) AS p))
              AND (\(after?.id)::text IS NULL OR CASE \(query.sort.rawValue)
                    WHEN 'newest' THEN (s.published_at, s.id) < ('epoch'::timestamptz + \(after?.publishedAt)::bigint * interval '1 microsecond', \(after?.id))
                    ELSE (s.subscriber_count, s.published_at, s.id) < (\(after?.subscriberCount), 'epoch'::timestamptz + \(after?.publishedAt)::bigint * interval '1 microsecond', \(after?.id))
                  END)
            ORDER BY \(unescaped: query.sort.orderBy)
            LIMIT \(query.limit)
            """,
            logger: logger
        )
        var strategies: [Strategy] = []
        for try await row in rows { strategies.append(try StrategyRows.decode(row)) }
        return strategies
    }

    public func authored(by authorId: UUID) async throws -> [Strategy] {
        let rows = try await client.query(
            "\(unescaped: StrategyRows.select) WHERE s.author_id = \(authorId) ORDER BY s.created_at DESC, s.id", logger: logger
        )
        var strategies: [Strategy] = []
        for try await row in rows { strategies.append(try StrategyRows.decode(row)) }
        return strategies
    }

    public func setLogo(strategyId: String, image: StrategyLogo, at date: Date) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let locked = try await StrategyLock.lockForEdit(id: strategyId, on: connection, logger: logger)
            let state = locked.status == .published ? "pending" : "current"
            try await connection.query(
                """
                INSERT INTO strategy_logos (strategy_id, state, content, content_type, sha256, updated_at)
                VALUES (\(strategyId), \(state), \(Data(image.bytes)), \(image.contentType), \(image.sha256), \(date))
                ON CONFLICT (strategy_id, state) DO UPDATE
                SET content = excluded.content, content_type = excluded.content_type, sha256 = excluded.sha256, updated_at = excluded.updated_at
                """,
                logger: logger
            )
            try await connection.query("UPDATE strategies SET updated_at = \(date) WHERE id = \(strategyId)", logger: logger)
        }
    }

    public func logo(strategyId: String) async throws -> StrategyLogo? {
        let rows = try await client.query(
            "SELECT content, content_type, sha256 FROM strategy_logos WHERE strategy_id = \(strategyId) AND state = 'current'",
            logger: logger
        )
        for try await (content, contentType, sha256) in rows.decode((Data, String, String).self) {
            return StrategyLogo(bytes: Array(content), contentType: contentType, sha256: sha256)
        }
        return nil
    }
}
