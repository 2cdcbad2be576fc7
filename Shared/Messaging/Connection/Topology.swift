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
            /// dead-lettered through `deadLetterExchange` (routing key: the queue's name).
            case work(deliveryLimit: Int, deadLetterExchange: String)
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

    /// A durable quorum work queue named `name` bound to `routingKeys` on `exchange`, and its
    /// dead-letter queue `<name>.dlq`, bound on `deadLetterExchange` (a direct exchange).
    public static func workQueue(
        _ name: String, exchange: String, routingKeys: [String], deliveryLimit: Int, deadLetterExchange: String
    ) -> Topology {
        Topology(
            queues: [
                Queue(name: name, kind: .work(deliveryLimit: deliveryLimit, deadLetterExchange: deadLetterExchange)),
                Queue(name: "\(name).dlq", kind: .deadLetter),
            ],
            bindings: routingKeys.map { Binding(queue: name, exchange: exchange, routingKey: $0) }
                + [Binding(queue: "\(name).dlq", exchange: deadLetterExchange, routingKey: name)]
        )
    }

    /// A queue of this connection's alone (fan-out to live connections), deleted when it closes.
    public static func connectionQueue(_ name: String, exchange: String, routingKeys: [String]) -> Topology {
        Topology(queues: [Queue(name: name, kind: .exclusive)], bindings: routingKeys.map { Binding(queue: name, exchange: exchange, routingKey: $0) })
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
