import APIShapes
import Foundation
import Hummingbird
import ServiceKit

/// `/subscriptions`: the user's subscriptions with their URLs (copy, rotate, cancel) and end dates.
struct SubscriptionsPage: Sendable {
    let kit: PageKit

    struct View: Sendable {
        let subscriptions: [SubscriptionView]
        let isEmpty: Bool
        let notice: String?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/subscriptions") { request, _ in
            let session = try await kit.requireSession(request)
            let answer = try await kit.api.get("/v1/subscriptions", token: session.accessToken)
            guard answer.isSuccess else { throw PageError.forbidden(answer.problem.detail) }
            let items = try answer.decode(Page<SubscriptionBody>.self).items.map(SubscriptionView.init)
            let view = View(subscriptions: items, isEmpty: items.isEmpty, notice: request.formQuery["notice"].flatMap(Notice.text(for:)))
            return kit.page("subscriptions", title: "My subscriptions", view, for: request, session: session)
        }
        // Both come back to the page they were clicked on (`from`: the strategy page or this list).
        router.post("/subscriptions/:id/rotate") { request, context in
            try await act(request, context.parameters.get("id"), notice: "rotated") { id, token in
                try await kit.api.post("/v1/subscriptions/\(id)/download-url", token: token)
            }
        }
        router.post("/subscriptions/:id/cancel") { request, context in
            try await act(request, context.parameters.get("id"), notice: "cancelled") { id, token in
                try await kit.api.delete("/v1/subscriptions/\(id)", token: token)
            }
        }
    }

    private func act(
        _ request: Request, _ rawId: String?, notice: String, _ call: (String, String) async throws -> AstrolabAPI.Answer
    ) async throws -> Response {
        let form = try await kit.form(request)
        let session = try await kit.requireSession(request)
        // Another user's subscription id is a 404 from the API, and so a 404 page here.
        guard let id = rawId.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() else { throw PageError.notFound }
        let answer = try await call(id, session.accessToken)
        guard answer.isSuccess else { throw answer.pageError }
        if let strategy = form["from"], let strategyId = try? StrategyPage.strategyId(strategy) {
            return PageKit.redirect("/strategies/\(strategyId)?notice=\(notice)")
        }
        return PageKit.redirect("/subscriptions?notice=\(notice)")
    }
}
