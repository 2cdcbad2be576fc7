import Foundation

/// Who asks for a strategy: a user (signed in, or through their device or an API key), or
/// nobody (an anonymous visitor).
public struct Viewer: Sendable, Equatable {
    /// What an API key may do: its scopes, and the strategies it is limited to (empty: any).
    public struct KeyGrant: Sendable, Equatable {
        public let scopes: Set<APIKeyScope>
        public let strategyIds: [String]

        public init(scopes: Set<APIKeyScope>, strategyIds: [String]) {
            self.scopes = scopes
            self.strategyIds = strategyIds
        }

        func allows(_ scope: APIKeyScope, on strategyId: String) -> Bool {
            scopes.contains(scope) && (strategyIds.isEmpty || strategyIds.contains(strategyId))
        }
    }

    public let userId: UUID?
    public let isAdmin: Bool
    /// Set when the user acts through an API key; nil for a session or a device, which act as the user.
    public let keyGrant: KeyGrant?

    public init(userId: UUID?, isAdmin: Bool, keyGrant: KeyGrant? = nil) {
        self.userId = userId
        self.isAdmin = isAdmin
        self.keyGrant = keyGrant
    }

    public static let anonymous = Viewer(userId: nil, isAdmin: false)
}

/// The one access rule for a strategy, used by the profiles service (a strategy's page, its
/// versions and logo) and by the relay (history, WebSocket, MQTT):
/// - **visible**: published, or the viewer is its author or an admin; anything else is "not
///   found", so nobody learns that a private strategy exists;
/// - **followable**: visible, an API key has `signals:follow` for it, and the viewer is
///   entitled (`Entitlements`: author, admin, or a live subscription), until the subscription's end.
///
/// The catalog's query is the same visibility rule for anonymous viewers written as SQL
/// (`status = 'published'`); a download URL is a capability of its own (a live grant, `DownloadGrants`).
public struct AccessPolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        /// No such strategy, or not one the viewer may know of.
        case notFound
        case notEntitled
        /// Until the subscription's end, if it has one.
        case allowed(until: Date?)
    }

    let strategies: any StrategyDirectory
    let entitlements: any Entitlements
    let clock: any WallClock

    public init(strategies: any StrategyDirectory, entitlements: any Entitlements, clock: any WallClock) {
        self.strategies = strategies
        self.entitlements = entitlements
        self.clock = clock
    }

    /// The strategy, if `viewer` may see it.
    public func visibleStrategy(_ strategyId: String?, to viewer: Viewer) async throws -> Strategy? {
        guard let strategyId, StrategyID.isValid(strategyId), let strategy = try await strategies.find(id: strategyId),
            strategy.isVisible(to: viewer.userId, isAdmin: viewer.isAdmin)
        else { return nil }
        return strategy
    }

    /// Whether `viewer` may follow the strategy's signals now, and until when.
    public func follow(_ strategyId: String, as viewer: Viewer) async throws -> Decision {
        guard try await visibleStrategy(strategyId, to: viewer) != nil else { return .notFound }
        guard let userId = viewer.userId else { return .notEntitled }
        if let grant = viewer.keyGrant, !grant.allows(.signalsFollow, on: strategyId) { return .notEntitled }
        guard case .allowed(let until) = try await entitlements.access(userId: userId, isAdmin: viewer.isAdmin, strategyId: strategyId, at: clock.now())
        else { return .notEntitled }
        return .allowed(until: until)
    }
}
