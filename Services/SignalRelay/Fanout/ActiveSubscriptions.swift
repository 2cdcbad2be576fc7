import Synchronization

/// One connection's running subscriptions, by strategy, as both follower protocols keep them:
/// stopping one ends its delivery and leaves the hub.
final class ActiveSubscriptions: Sendable {
    private let hub: RelayHub
    private let entries = Mutex<[String: FollowerSubscription]>([:])

    init(hub: RelayHub) {
        self.hub = hub
    }

    func contains(_ strategyId: String) -> Bool {
        entries.withLock { $0[strategyId] != nil }
    }

    func insert(_ subscription: FollowerSubscription) {
        entries.withLock { $0[subscription.strategyId] = subscription }
    }

    /// Stops one subscription; false when there was none.
    @discardableResult
    func stop(_ strategyId: String) -> Bool {
        guard let subscription = entries.withLock({ $0.removeValue(forKey: strategyId) }) else { return false }
        end(subscription)
        return true
    }

    func stopAll() {
        for subscription in entries.withLock({ current -> [String: FollowerSubscription] in defer { current = [:] }; return current }).values {
            end(subscription)
        }
    }

    private func end(_ subscription: FollowerSubscription) {
        subscription.stop()
        hub.remove(subscription, strategyId: subscription.strategyId)
    }
}
