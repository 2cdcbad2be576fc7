import Foundation
import Hummingbird
import Models
import ModerationStore
import ServiceKit

/// `POST /v1/moderation/strategies/{id}/take-down`: an admin removes a published strategy.
/// The record and the event commit here; profiles hides the strategy and subscriptions end its
/// subscriptions (cutting its followers) as they consume the event, within seconds.
struct TakeDownController: Sendable {
    let takeDowns: any TakeDownRepository
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(":id/take-down") { request, context in
            let admin = try context.requireAdmin()
            guard let id = context.parameters.get("id"), StrategyID.isValid(id) else { throw ProblemDetails.notFound("No such strategy.") }
            let body = try await request.decodeJSONBody(ReasonRequest.self)
            switch try await takeDowns.takeDown(strategyId: id, reason: body.reason, moderatorId: admin.userId, at: clock.now()) {
            case .takenDown(let record):
                return TakeDownResponse(record)
            case .alreadyTakenDown(let record):
                throw ProblemDetails.conflict("The strategy was already taken down by \(record.moderator.displayName): \(record.reason)")
            case .notPublished:
                throw ProblemDetails.conflict("Only a published strategy can be taken down; reject its open review case instead.")
            case .notFound:
                throw ProblemDetails.notFound("No such strategy.")
            }
        }
    }
}

/// A take-down as API.md shows it.
struct TakeDownResponse: ResponseEncodable {
    let strategyId: String
    let strategyName: String
    let reason: String
    let moderator: CaseResponse.Moderator
    let takenDownAt: Date

    init(_ record: TakeDown) {
        strategyId = record.strategyId
        strategyName = record.strategyName
        reason = record.reason
        moderator = CaseResponse.Moderator(record.moderator)
        takenDownAt = record.takenDownAt
    }
}
