import Synchronization

/// One connection's running subscriptions, by strategy, as both follower protocols keep them:
/// stopping one ends its pump and leaves the hub.
final class ActiveSubscriptions: Sendable {
    private struct Entry: Sendable {
        let subscription: FollowerSubscription
        let task: Task<Void, Never>
    }

    private let hub: RelayHub
    private let entries = Mutex<[String: Entry]>([:])

    init(hub: RelayHub) {
        self.hub = hub
    }

    func contains(_ strategyId: String) -> Bool {
        entries.withLock { $0[strategyId] != nil }
    }

    func insert(_ subscription: FollowerSubscription, pumpedBy task: Task<Void, Never>) {
        entries.withLock { $0[subscription.strategyId] = Entry(subscription: subscription, task: task) }
    }

    /// Stops one subscription; false when there was none.
    @discardableResult
    func stop(_ strategyId: String) -> Bool {
        guard let entry = entries.withLock({ $0.removeValue(forKey: strategyId) }) else { return false }
        end(entry)
        return true
    }

    func stopAll() {
        for entry in entries.withLock({ current -> [String: Entry] in defer { current = [:] }; return current }).values {
            end(entry)
        }
    }

    private func end(_ entry: Entry) {
        entry.subscription.finish()
        entry.task.cancel()
        let hub = self.hub
        Task { await hub.remove(entry.subscription, strategyId: entry.subscription.strategyId) }
    }
}
