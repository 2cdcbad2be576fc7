/// The subscriptions service's shape (API.md §Subscriptions and downloads), as its clients decode
/// it; named `…Body` beside `Models.Subscription`. Dates stay strings, as in `StrategyBody`. A
/// grant and a new download URL answer this same shape.
public struct SubscriptionBody: Decodable, Sendable {
    public let id: String
    public let strategyId: String
    /// `active`, `cancelled`, `expired`, `revoked` or `taken_down`.
    public let status: String
    public let startedAt: String
    /// Set by an admin grant, which ends after its days; null for a subscription of one's own.
    @AlwaysPresent public var endsAt: String?
    @AlwaysPresent public var endedAt: String?
    /// Null once the subscription has ended: the URL dies with it.
    @AlwaysPresent public var downloadUrl: String?
}
