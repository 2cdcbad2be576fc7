import Foundation
import Hummingbird
import Models
import ServiceKit
import SubscriptionStore

/// `/v1/subscriptions`: a user's own subscriptions. Someone else's is a 404, like one that does not exist.
struct SubscriptionController: Sendable {
    let subscriptions: any SubscriptionRepository
    let urls: DownloadURLs
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(SubscribeRequest.self)
            switch try await subscriptions.subscribe(userId: user.userId, strategyId: body.strategyId, at: clock.now()) {
            case .created(let subscription):
                return EditedResponse(status: .created, response: SubscriptionResponse(subscription, urls: urls))
            case .existing(let subscription):
                return EditedResponse(status: .ok, response: SubscriptionResponse(subscription, urls: urls))
            case .notPublished:
                throw ProblemDetails.notFound("No published strategy \(body.strategyId).")
            }
        }
        group.get { _, context in
            let user = try context.requireUser()
            return ListResponse(items: try await subscriptions.list(userId: user.userId).map { SubscriptionResponse($0, urls: urls) })
        }
        group.get(":id") { _, context in
            let user = try context.requireUser()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                let subscription = try await subscriptions.find(id: id, userId: user.userId)
            else { throw ProblemDetails.notFound("No such subscription.") }
            return SubscriptionResponse(subscription, urls: urls)
        }
        group.delete(":id") { _, context in
            let user = try context.requireUser()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw ProblemDetails.notFound("No such subscription.") }
            switch try await subscriptions.cancel(id: id, userId: user.userId, at: clock.now()) {
            case .cancelled(let subscription):
                return SubscriptionResponse(subscription, urls: urls)
            case .alreadyEnded(let subscription):
                throw ProblemDetails.conflict("The subscription already ended (\(subscription.status.rawValue)); there is nothing to cancel.")
            case .notFound:
                throw ProblemDetails.notFound("No such subscription.")
            }
        }
        group.post(":id/download-url") { _, context in
            let user = try context.requireUser()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw ProblemDetails.notFound("No such subscription.") }
            switch try await subscriptions.rotateDownloadURL(id: id, userId: user.userId, at: clock.now()) {
            case .rotated(let subscription):
                return SubscriptionResponse(subscription, urls: urls)
            case .notActive(let subscription):
                throw ProblemDetails.conflict("The subscription is \(subscription.status.rawValue); only an active one has a download URL.")
            case .notFound:
                throw ProblemDetails.notFound("No such subscription.")
            }
        }
    }
}

/// `POST /v1/subscriptions` body.
struct SubscribeRequest: JSONRequestBody {
    let strategyId: String

    init(fields: inout JSONFields) {
        let id = fields.requiredString("strategyId")
        if let id, !StrategyID.isValid(id) { fields.reject("strategyId", "must be a strategy identifier ([a-z0-9], 4 to 32 characters)") }
        strategyId = id ?? ""
    }
}

/// Download URLs as users see them: `PUBLIC_BASE_URL/d/<token>/<strategy slug>.zip`.
struct DownloadURLs: Sendable {
    let publicBaseURL: String
    let tokens: DownloadTokenIssuer

    func url(for subscription: Subscription) -> String? {
        tokens.downloadURL(for: subscription, publicBaseURL: publicBaseURL)
    }
}

/// A subscription as API.md shows it; `downloadUrl` is null once it has ended.
struct SubscriptionResponse: ResponseEncodable {
    let id: String
    let strategyId: String
    let status: String
    let startedAt: Date
    @NullWhenAbsent var endsAt: Date?
    @NullWhenAbsent var endedAt: Date?
    @NullWhenAbsent var downloadUrl: String?

    init(_ subscription: Subscription, urls: DownloadURLs) {
        id = subscription.id.uuidString.lowercased()
        strategyId = subscription.strategyId
        status = subscription.status.rawValue
        startedAt = subscription.startedAt
        endsAt = subscription.endsAt
        endedAt = subscription.endedAt
        downloadUrl = urls.url(for: subscription)
    }
}
