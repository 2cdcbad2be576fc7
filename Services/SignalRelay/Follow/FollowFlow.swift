import Foundation
import Logging
import Models
import PostgresNIO
import SignalStore

/// How a follower connection starts following a strategy, the same for WebSocket and MQTT:
/// the access rule (`AccessPolicy`), a subscription registered with the hub before the log
/// head is read (so nothing committed after is missed), a replay from where the protocol says
/// (`startAfter`), and the end of access at the subscription's end date.
struct FollowFlow: Sendable {
    enum Outcome: Sendable, Equatable {
        case notFound
        case notEntitled
        /// Following; the log's head when it started.
        case following(headSeq: Int64)
    }

    let policy: AccessPolicy
    let signals: any SignalLog
    let hub: RelayHub
    let log: LogReader
    /// Records a subscription may hold while it reads the log, before it counts as too slow.
    let buffer: Int
    let clock: any WallClock
    let logger: Logger

    /// Starts `strategyId` for `identity` on `connection`, unless already in `active`.
    /// - Parameters:
    ///   - startAfter: given the log head, the seq to replay after (say what it needs first:
    ///     whatever it sends on `connection` goes before the first record).
    ///   - isOpen: whether the connection still is (the access deadline stops asking when not).
    ///   - onAccessEnded: access ended (an event, or the subscription's end date).
    func follow(
        _ strategyId: String, as identity: FollowerIdentity, on connection: any FollowerConnection, into active: ActiveSubscriptions,
        startAfter: (_ headSeq: Int64) async throws -> Int64, isOpen: @escaping @Sendable () -> Bool,
        onAccessEnded: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        let decision = try await policy.follow(strategyId, as: identity.viewer)
        guard case .allowed(let until) = decision else { return decision == .notFound ? .notFound : .notEntitled }
        let subscription = FollowerSubscription(
            strategyId: strategyId, userId: identity.userId, deviceId: identity.deviceId, apiKeyId: identity.apiKeyId, connection: connection,
            log: log, buffer: buffer, onAccessEnded: onAccessEnded
        )
        active.insert(subscription)
        do {
            try await hub.add(subscription, strategyId: strategyId)
            let head = try await signals.head(of: strategyId).seq
            subscription.start(after: try await startAfter(head))
            if !isOpen() { active.stopAll() }
            if let until {
                AccessDeadline.schedule(until, clock: clock, while: isOpen) { onAccessEnded(strategyId) }
            }
            return .following(headSeq: head)
        } catch {
            active.stop(strategyId)
            throw error
        }
    }
}
