import Foundation

/// A message to publish.
public struct OutgoingMessage: Sendable {
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    /// AMQP `message_id`; consumers de-duplicate on it.
    public var messageId: String
    public var type: String?
    public var contentType: String?
    public var persistent: Bool
    /// Unroutable messages come back as an error instead of vanishing.
    public var mandatory: Bool

    public init(
        exchange: String, routingKey: String, body: [UInt8], messageId: String = UUID().uuidString.lowercased(),
        type: String? = nil, contentType: String? = "application/json", persistent: Bool = true, mandatory: Bool = true
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.messageId = messageId
        self.type = type
        self.contentType = contentType
        self.persistent = persistent
        self.mandatory = mandatory
    }
}

/// A message received by a consumer. Settle it with `ack()` or `nack(requeue:)` exactly once;
/// a delivery from before a reconnect can no longer be settled (the broker redelivers it).
public struct Delivery: Sendable {
    public let body: [UInt8]
    public let messageId: String?
    public let type: String?
    public let exchange: String
    public let routingKey: String
    public let redelivered: Bool

    let deliveryTag: UInt64
    let channel: UInt16
    let generation: Int
    let settle: @Sendable (Settlement) -> Void

    enum Settlement: Sendable {
        case ack
        case nack(requeue: Bool)
    }

    public func ack() {
        settle(.ack)
    }

    public func nack(requeue: Bool) {
        settle(.nack(requeue: requeue))
    }
}
