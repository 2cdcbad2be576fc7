import Foundation
import Hummingbird
import Models
import ServiceKit
import StrategyStore

/// `/v1/strategies`: create, read, edit and (signal strategies) submit for review.
struct StrategyController: Sendable {
    let strategies: any StrategyRepository
    let access: StrategyAccess
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(CreateStrategyRequest.self)
            let strategy = try await strategies.create(body.newStrategy(authorId: user.userId), at: clock.now())
            return EditedResponse(status: .created, response: StrategyResponse(strategy, viewer: user))
        }
        // The caller's own strategies, every status: what the website's Editor lists.
        group.get { _, context in
            let user = try context.requireUser()
            return ListResponse(items: try await strategies.authored(by: user.userId).map { StrategyResponse($0, viewer: user) })
        }
        group.get(":id") { _, context in
            let strategy = try await access.visible(context.parameters.get("id"), to: context.identity)
            return StrategyResponse(strategy, viewer: context.identity)
        }
        group.patch(":id") { request, context in
            let user = try context.requireUser()
            let strategy = try await access.editable(context.parameters.get("id"), by: user)
            let body = try await request.decodeJSONBody(PatchStrategyRequest.self)
            try body.check(against: strategy)
            guard let updated = try await strategies.updateListing(id: strategy.id, changes: body.changes, at: clock.now()) else {
                throw ProblemDetails.notFound("No such strategy.")
            }
            return StrategyResponse(updated, viewer: user)
        }
        group.post(":id/submit") { _, context in
            let user = try context.requireUser()
            let strategy = try await access.editable(context.parameters.get("id"), by: user)
            guard strategy.kind == .signals else {
                throw ProblemDetails.conflict("Profile strategies go to review when a version is uploaded (POST /v1/strategies/\(strategy.id)/versions).")
            }
            switch try await strategies.submitListing(id: strategy.id, at: clock.now()) {
            case .submitted(let submitted):
                return StrategyResponse(submitted, viewer: user)
            case .alreadyPending:
                throw ProblemDetails.conflict("The strategy already waits for review.")
            case .takenDown:
                throw ProblemDetails.conflict("Moderation took this strategy down; it cannot be submitted again.")
            case .nothingToReview:
                throw ProblemDetails.conflict("The strategy is published and nothing changed since; edit it first.")
            case .incomplete:
                throw ProblemDetails.validation(
                    [.init(field: "exchange", message: "a signal strategy needs an exchange and at least one pair before review")],
                    detail: "Set exchange and pairs first."
                )
            }
        }
    }
}
