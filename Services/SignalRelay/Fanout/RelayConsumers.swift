import EventBus
import Foundation
import Logging
import Messaging
import Models
import ServiceLifecycle

/// Feeds the hub: live records from the instance's queue on `astrolab.signals`, and the events
/// that end access (every instance gets every one of those, on a queue of its own).
struct RelayConsumers: Service {
    let hub: RelayHub
    let broker: AMQPConnection
    let logger: Logger
    let accessQueue = "signal-relay.access.\(UUID().uuidString.lowercased())"

    func run() async throws {
        // Records are settled on receipt: a follower that misses one catches up from the log.
        try await broker.declare(.exclusiveQueue(hub.queueName, exchange: Topology.signalsExchange, routingKeys: []))
        try await broker.declare(
            .exclusiveQueue(accessQueue, exchange: Topology.eventsExchange, routingKeys: [SubscriptionEnded.type, DeviceDeleted.type, APIKeyRevoked.type])
        )
        let records = broker.consume(queue: hub.queueName, prefetch: 256)
        let accessEvents = broker.consume(queue: accessQueue, prefetch: 64)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await delivery in records {
                        delivery.ack()
                        if let record = LiveRecord(body: delivery.body) { hub.dispatch(record) }
                    }
                }
                group.addTask {
                    for await delivery in accessEvents {
                        delivery.ack()
                        handleAccessEvent(delivery.body)
                    }
                }
            }
        } onGracefulShutdown: {
            Task {
                await records.cancel()
                await accessEvents.cancel()
            }
        }
    }

    private func handleAccessEvent(_ body: [UInt8]) {
        guard let envelope = try? EventEnvelope(bytes: body) else { return }
        switch envelope.type {
        case SubscriptionEnded.type:
            if let event = try? envelope.payload(as: SubscriptionEnded.self) {
                hub.endAccess(userId: event.userId, strategyId: event.strategyId)
            }
        case DeviceDeleted.type:
            if let event = try? envelope.payload(as: DeviceDeleted.self) { hub.deviceDeleted(event.deviceId) }
        case APIKeyRevoked.type:
            if let event = try? envelope.payload(as: APIKeyRevoked.self) { hub.apiKeyRevoked(event.apiKeyId) }
        default:
            break
        }
    }
}
