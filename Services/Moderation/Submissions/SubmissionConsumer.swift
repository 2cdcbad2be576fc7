import EventBus
import Logging
import Messaging
import Models
import ModerationStore
import PostgresNIO

/// Opens a review case for each submission the profiles service announces, with the automated
/// checks computed from what was submitted. The inbox makes a redelivered event open nothing.
enum SubmissionConsumer {
    static func make(broker: AMQPConnection, database: PostgresClient, clock: any WallClock, logger: Logger) -> EventConsumer {
        EventConsumer(queue: WorkQueues.moderationSubmissions, broker: broker, database: database, logger: logger) { envelope, connection in
            let submission: Submission
            switch envelope.type {
            case StrategyVersionSubmitted.type:
                let event = try envelope.payload(as: StrategyVersionSubmitted.self)
                submission = Submission(strategyId: event.strategyId, subject: .version, version: event.version)
            case StrategyListingSubmitted.type:
                let event = try envelope.payload(as: StrategyListingSubmitted.self)
                submission = Submission(strategyId: event.strategyId, subject: .listing, version: nil)
            default:
                throw EventEnvelope.Unsupported(description: "\(WorkQueues.moderationSubmissions) does not handle \(envelope.type)")
            }
            let now = clock.now()
            guard let context = try await ReviewContext.load(submission, on: connection, logger: logger) else {
                throw EventEnvelope.Unsupported(description: "submission for unknown strategy \(submission.strategyId)")
            }
            let caseId = try await PostgresReviewCaseRepository.open(
                submission, checks: AutomatedChecks.run(on: context, now: now), at: now, on: connection, logger: logger
            )
            logger.info("review case opened", metadata: ["case": "\(caseId)", "strategy": "\(submission.strategyId)", "subject": "\(submission.subject.rawValue)"])
        }
    }
}
