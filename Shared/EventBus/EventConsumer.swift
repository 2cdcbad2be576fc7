import Foundation
import Logging
import Messaging
import Models
import PostgresNIO
import ServiceLifecycle

/// Consumes a work queue of domain events and applies each one exactly once: the handler runs in
/// a transaction that also claims the message id in the inbox, and the delivery is acked only
/// after that commits. A duplicate is acked and skipped; a handler error rolls back and requeues
/// (until the queue's delivery limit sends the message to its `.dlq`); an event this build
/// cannot read goes to the `.dlq` at once.
public struct EventConsumer: Service {
    public typealias Handler = @Sendable (EventEnvelope, PostgresConnection) async throws -> Void

    /// Identifies this consumer in the inbox; by convention the queue name.
    let name: String
    let queue: String
    let prefetch: UInt16
    let broker: AMQPConnection
    let database: PostgresClient
    let logger: Logger
    let handler: Handler

    public init(
        queue: String, prefetch: UInt16 = 32, broker: AMQPConnection, database: PostgresClient, logger: Logger,
        handler: @escaping Handler
    ) {
        name = queue
        self.queue = queue
        self.prefetch = prefetch
        self.broker = broker
        self.database = database
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        let deliveries = broker.consume(queue: queue, prefetch: prefetch)
        // On shutdown stop new deliveries; those already received are still handled and acked.
        await withGracefulShutdownHandler {
            for await delivery in deliveries {
                await handle(delivery)
            }
        } onGracefulShutdown: {
            Task { await deliveries.cancel() }
        }
    }

    /// Applies one delivery; public so tests and tools can drive a consumer by hand.
    public func handle(_ delivery: Delivery) async {
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope(bytes: delivery.body)
        } catch {
            logger.error("unreadable message sent to the dead-letter queue", metadata: ["queue": "\(queue)", "error": "\(error)"])
            delivery.nack(requeue: false)
            return
        }
        let messageId = delivery.messageId ?? envelope.id.uuidString.lowercased()
        do {
            try await database.withTransaction(logger: logger) { connection in
                guard try await Inbox.claim(consumer: name, messageId: messageId, on: connection, logger: logger) else {
                    return
                }
                try await handler(envelope, connection)
            }
            delivery.ack()
        } catch let error as EventEnvelope.Unsupported {
            logger.error("event refused, sent to the dead-letter queue", metadata: ["queue": "\(queue)", "error": "\(error)"])
            delivery.nack(requeue: false)
        } catch let error as PostgresTransactionError where error.closureError is EventEnvelope.Unsupported {
            logger.error("event refused, sent to the dead-letter queue", metadata: ["queue": "\(queue)", "error": "\(String(reflecting: error.closureError))"])
            delivery.nack(requeue: false)
        } catch {
            logger.warning("event handler failed; it will be retried", metadata: ["queue": "\(queue)", "type": "\(envelope.type)", "error": "\(String(reflecting: error))"])
            delivery.nack(requeue: true)
        }
    }
}
