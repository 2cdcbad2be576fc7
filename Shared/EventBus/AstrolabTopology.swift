import Messaging
import Models

/// Astrolab's exchanges and the services' work queues: what every process declares, so events
/// are queued even before their consumer first runs.
extension Topology {
    public static let eventsExchange = ExchangeNames.events
    public static let signalsExchange = ExchangeNames.signals
    public static let deadLetterExchange = ExchangeNames.deadLetter

    /// The exchanges every process needs.
    public static let exchangesOnly = Topology(exchanges: [
        Exchange(eventsExchange), Exchange(signalsExchange), Exchange(deadLetterExchange, type: "direct"),
    ])

    /// What every Astrolab process declares: the exchanges and every service's work queue with its
    /// bindings.
    public static let astrolab = [
        workQueue(
            WorkQueues.profilesModeration, routingKeys: [ModerationCaseApproved.type, ModerationCaseRejected.type, ModerationStrategyTakenDown.type]
        ),
        workQueue(WorkQueues.subscriptionsStrategies, routingKeys: [StrategyTakenDown.type]),
        workQueue(WorkQueues.profilesSubscriptions, routingKeys: [SubscriptionStarted.type, SubscriptionEnded.type]),
        workQueue(WorkQueues.moderationSubmissions, routingKeys: [StrategyVersionSubmitted.type, StrategyListingSubmitted.type]),
        workQueue(WorkQueues.adminModeration, routingKeys: ["moderation.*"]),
    ].reduce(exchangesOnly) { $0.merged(with: $1) }

    /// A service's work queue named `<service>.<purpose>`, bound to `routingKeys` on the events
    /// exchange, with its dead-letter queue `<name>.dlq`; and the exchanges.
    public static func workQueue(_ name: String, exchange: String = eventsExchange, routingKeys: [String], deliveryLimit: Int = 5) -> Topology {
        exchangesOnly.merged(
            with: workQueue(name, exchange: exchange, routingKeys: routingKeys, deliveryLimit: deliveryLimit, deadLetterExchange: deadLetterExchange)
        )
    }

    /// An exclusive, auto-deleted queue for one process (fan-out to live connections); and the exchanges.
    public static func exclusiveQueue(_ name: String, exchange: String, routingKeys: [String]) -> Topology {
        exchangesOnly.merged(with: connectionQueue(name, exchange: exchange, routingKeys: routingKeys))
    }
}
