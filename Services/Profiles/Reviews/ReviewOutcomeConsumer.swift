import EventBus
import Logging
import Messaging
import Models
import PostgresNIO
import StrategyStore

/// Applies moderation decisions to strategies: approved → published, rejected → the reason is
/// shown to the author, taken down → hidden and frozen (`StrategyReviews` holds the rules).
enum ReviewOutcomeConsumer {
    static func make(broker: AMQPConnection, database: PostgresClient, clock: any WallClock, logger: Logger) -> EventConsumer {
        EventConsumer(queue: WorkQueues.profilesModeration, broker: broker, database: database, logger: logger) { envelope, connection in
            switch envelope.type {
            case ModerationCaseApproved.type:
                try await StrategyReviews.approve(envelope.payload(as: ModerationCaseApproved.self), at: clock.now(), on: connection, logger: logger)
            case ModerationCaseRejected.type:
                try await StrategyReviews.reject(envelope.payload(as: ModerationCaseRejected.self), at: clock.now(), on: connection, logger: logger)
            case ModerationStrategyTakenDown.type:
                try await StrategyReviews.takeDown(envelope.payload(as: ModerationStrategyTakenDown.self), at: clock.now(), on: connection, logger: logger)
            default:
                throw EventEnvelope.Unsupported(description: "\(WorkQueues.profilesModeration) does not handle \(envelope.type)")
            }
        }
    }
}

/// Keeps `subscriberCount` current from subscription events.
enum SubscriberCountConsumer {
    static func make(broker: AMQPConnection, database: PostgresClient, logger: Logger) -> EventConsumer {
        EventConsumer(queue: WorkQueues.profilesSubscriptions, broker: broker, database: database, logger: logger) { envelope, connection in
            switch envelope.type {
            case SubscriptionStarted.type:
                let event = try envelope.payload(as: SubscriptionStarted.self)
                try await StrategyReviews.adjustSubscriberCount(strategyId: event.strategyId, by: 1, on: connection, logger: logger)
            case SubscriptionEnded.type:
                let event = try envelope.payload(as: SubscriptionEnded.self)
                try await StrategyReviews.adjustSubscriberCount(strategyId: event.strategyId, by: -1, on: connection, logger: logger)
            default:
                throw EventEnvelope.Unsupported(description: "\(WorkQueues.profilesSubscriptions) does not handle \(envelope.type)")
            }
        }
    }
}
