import Models

/// Exchanges, queues and bindings a connection declares, and declares again after every reconnect.
public struct Topology: Sendable, Equatable {
    public struct Exchange: Sendable, Equatable {
        public var name: String
        public var type: String
        public init(_ name: String, type: String = "topic") {
            self.name = name
            self.type = type
        }
    }

    public struct Queue: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// Durable quorum work queue; after `deliveryLimit` failed deliveries a message is
            /// dead-lettered to `<name>.dlq`.
            case work(deliveryLimit: Int)
            /// The dead-letter queue of a work queue.
            case deadLetter
            /// Private to one connection (per-instance fan-out); deleted when it closes.
            case exclusive
        }

        public var name: String
        public var kind: Kind
    }

    public struct Binding: Sendable, Equatable {
        public var queue: String
        public var exchange: String
        public var routingKey: String

        public init(queue: String, exchange: String, routingKey: String) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }

    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    public static let eventsExchange = ExchangeNames.events
    public static let signalsExchange = ExchangeNames.signals
    public static let deadLetterExchange = ExchangeNames.deadLetter

    /// The exchanges every process needs.
    public static let exchangesOnly = Topology(exchanges: [
        Exchange(eventsExchange), Exchange(signalsExchange), Exchange(deadLetterExchange, type: "direct"),
    ])

    /// What every Astrolab process declares: the exchanges and every service's work queue with its
    /// bindings, so events are queued even before their consumer first runs.
    public static let astrolab = [
        workQueue(
            WorkQueues.profilesModeration, routingKeys: [ModerationCaseApproved.type, ModerationCaseRejected.type, ModerationStrategyTakenDown.type]
        ),
        workQueue(WorkQueues.subscriptionsStrategies, routingKeys: [StrategyTakenDown.type]),
        workQueue(WorkQueues.profilesSubscriptions, routingKeys: [SubscriptionStarted.type, SubscriptionEnded.type]),
        workQueue(WorkQueues.moderationSubmissions, routingKeys: [StrategyVersionSubmitted.type, StrategyListingSubmitted.type]),
        workQueue(WorkQueues.adminModeration, routingKeys: ["moderation.*"]),
    ].reduce(exchangesOnly) { $0.merged(with: $1) }

    /// A durable quorum work queue named `<service>.<purpose>` bound to `routingKeys` on the
    /// events exchange, with its dead-letter queue `<name>.dlq`.
    public static func workQueue(
        _ name: String, exchange: String = eventsExchange, routingKeys: [String], deliveryLimit: Int = 5
    ) -> Topology {
        var topology = exchangesOnly
        topology.queues = [Queue(name: name, kind: .work(deliveryLimit: deliveryLimit)), Queue(name: "\(name).dlq", kind: .deadLetter)]
        topology.bindings = routingKeys.map { Binding(queue: name, exchange: exchange, routingKey: $0) }
            + [Binding(queue: "\(name).dlq", exchange: deadLetterExchange, routingKey: name)]
        return topology
    }

    /// An exclusive, auto-deleted queue for one process (fan-out to live connections).
    public static func exclusiveQueue(_ name: String, exchange: String, routingKeys: [String]) -> Topology {
        var topology = exchangesOnly
        topology.queues = [Queue(name: name, kind: .exclusive)]
        topology.bindings = routingKeys.map { Binding(queue: name, exchange: exchange, routingKey: $0) }
        return topology
    }

    /// Both topologies, without repeating what they share.
    public func merged(with other: Topology) -> Topology {
        func unique<T: Equatable>(_ items: [T]) -> [T] {
            items.reduce(into: []) { result, item in if !result.contains(item) { result.append(item) } }
        }
        return Topology(
            exchanges: unique(exchanges + other.exchanges),
            queues: unique(queues + other.queues),
            bindings: unique(bindings + other.bindings)
        )
    }
}
