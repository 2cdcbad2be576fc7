import EventBus
import Logging
import Messaging
import Models
import PostgresNIO
import SubscriptionStore

/// Ends the subscriptions of strategies taken down: their download URLs die at once, and each
/// `subscription.ended` (`taken_down`) makes the relay cut that follower.
enum TakeDownConsumer {
    static func make(
        subscriptions: PostgresSubscriptionRepository, broker: AMQPConnection, database: PostgresClient, clock: any WallClock, logger: Logger
    ) -> EventConsumer {
        EventConsumer(queue: WorkQueues.subscriptionsStrategies, broker: broker, database: database, logger: logger) { envelope, connection in
            switch envelope.type {
            case StrategyTakenDown.type:
                let event = try envelope.payload(as: StrategyTakenDown.self)
                let ended = try await subscriptions.endAll(ofTakenDown: event.strategyId, at: clock.now(), on: connection)
                logger.info("subscriptions of a taken-down strategy ended", metadata: ["strategy": "\(event.strategyId)", "ended": "\(ended)"])
            default:
                throw EventEnvelope.Unsupported(description: "\(WorkQueues.subscriptionsStrategies) does not handle \(envelope.type)")
            }
        }
    }
}
