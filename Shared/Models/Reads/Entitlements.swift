import Foundation
import Logging
import PostgresNIO

/// Whether a user may follow or download a strategy now, and until when.
public enum Entitlement: Sendable, Equatable {
    case denied
    /// Until the subscription's end; nil for as long as it lasts (an admin, the author, an
    /// open-ended subscription).
    case allowed(until: Date?)
}

/// The entitlement half of `AccessPolicy`: its author, an admin, or a subscriber whose
/// subscription is active and not past its end. Read from `strategies` and `subscriptions`
/// (owned by the profiles and subscriptions services).
public protocol Entitlements: Sendable {
    func access(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date) async throws -> Entitlement
}

extension Entitlements {
    public func mayFollow(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date) async throws -> Bool {
        try await access(userId: userId, isAdmin: isAdmin, strategyId: strategyId, at: now) != .denied
    }
}

public struct PostgresEntitlements: Entitlements {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func access(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date) async throws -> Entitlement {
        if isAdmin { return .allowed(until: nil) }
        let rows = try await client.query(
            """
            SELECT NULL::timestamptz FROM strategies WHERE id = \(strategyId) AND author_id = \(userId)
            UNION ALL
            SELECT s.ends_at FROM subscriptions s
            WHERE s.user_id = \(userId) AND s.strategy_id = \(strategyId) AND \(liveSubscription: "s", at: now)
            """,
            logger: logger
        )
        var allowed = false
        var until: Date?
        var unlimited = false
        for try await endsAt in rows.decode(Date?.self) {
            allowed = true
            if let endsAt { until = max(until ?? endsAt, endsAt) } else { unlimited = true }
        }
        guard allowed else { return .denied }
        return .allowed(until: unlimited ? nil : until)
    }
}
