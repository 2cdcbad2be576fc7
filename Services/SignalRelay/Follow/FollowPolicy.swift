import Foundation
import Logging
import Models
import PostgresNIO
import ServiceKit

/// Who asks to follow or read a strategy's signals, as every relay path knows them: a user (by
/// token), a `signals:follow` API key (possibly limited to some strategies) or an MQTT device.
struct FollowerIdentity: Sendable {
    let userId: UUID
    let isAdmin: Bool
    let deviceId: UUID?
    let apiKeyId: UUID?
    /// An API key's scopes and strategies; nil for users and devices, who follow as themselves.
    let keyGrant: (scopes: Set<APIKeyScope>, strategyIds: [String])?

    init(_ principal: Principal) {
        userId = principal.userId
        isAdmin = principal.isAdmin
        deviceId = nil
        if case .apiKey(let id, let scopes, let strategyIds) = principal.credential {
            apiKeyId = id
            keyGrant = (Set(scopes), strategyIds)
        } else {
            apiKeyId = nil
            keyGrant = nil
        }
    }

    init(device: Device, isAdmin: Bool) {
        userId = device.userId
        self.isAdmin = isAdmin
        deviceId = device.id
        apiKeyId = nil
        keyGrant = nil
    }
}

/// The relay's one access rule for a strategy's signals, used by the history API, the
/// WebSocket stream and MQTT alike: the strategy must be visible to the caller (published, or
/// theirs, or they are an admin), an API key must have `signals:follow` for it, and the caller
/// must be entitled (a live subscription, authorship or admin: `Entitlements`).
struct FollowPolicy: Sendable {
    enum Decision: Sendable, Equatable {
        /// No such strategy, or not one the caller may know of.
        case notFound
        case notEntitled
        /// Until the subscription's end, if it has one.
        case allowed(until: Date?)
    }

    let strategies: any StrategyDirectory
    let database: PostgresClient
    let clock: any WallClock
    let logger: Logger

    /// The strategy, if it is visible to the caller (anonymous callers see published ones only).
    func visibleStrategy(_ strategyId: String, to userId: UUID?, isAdmin: Bool) async throws -> Strategy? {
        guard StrategyID.isValid(strategyId), let strategy = try await strategies.find(id: strategyId),
            strategy.isVisible(to: userId, isAdmin: isAdmin)
        else { return nil }
        return strategy
    }

    func decide(_ identity: FollowerIdentity, strategyId: String) async throws -> Decision {
        guard try await visibleStrategy(strategyId, to: identity.userId, isAdmin: identity.isAdmin) != nil else { return .notFound }
        if let grant = identity.keyGrant {
            guard grant.scopes.contains(.signalsFollow), grant.strategyIds.isEmpty || grant.strategyIds.contains(strategyId) else { return .notEntitled }
        }
        let access = try await Entitlements.access(
            userId: identity.userId, isAdmin: identity.isAdmin, strategyId: strategyId, at: clock.now(), client: database, logger: logger
        )
        guard case .allowed(let until) = access else { return .notEntitled }
        return .allowed(until: until)
    }
}
