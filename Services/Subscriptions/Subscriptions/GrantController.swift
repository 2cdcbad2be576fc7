import Foundation
import Hummingbird
import Models
import Rules
import ServiceKit
import SubscriptionStore

/// `POST /v1/subscriptions/grants` (admins): a subscription with an end date for a user, as
/// members of a private strategy get; also `astrolab-admin subscriptions grant`.
struct GrantController: Sendable {
    let subscriptions: any SubscriptionRepository
    let users: any UserDirectory
    let urls: DownloadURLs
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post { request, context in
            let admin = try context.requireAdmin()
            let body = try await request.decodeJSONBody(GrantRequest.self)
            guard let user = try await users.find(email: body.email) else {
                throw ProblemDetails.notFound("No account has this email.")
            }
            let now = clock.now()
            guard let subscription = try await subscriptions.grant(
                userId: user.id, strategyId: body.strategyId, endsAt: GrantedSubscription.endsAt(afterDays: body.days, from: now),
                grantedBy: admin.userId, at: now
            ) else { throw ProblemDetails.notFound("No strategy \(body.strategyId).") }
            return EditedResponse(status: .created, response: SubscriptionResponse(subscription, urls: urls))
        }
    }
}

/// `POST /v1/subscriptions/grants` body: `{email, strategyId, days}`.
struct GrantRequest: JSONRequestBody {
    let email: String
    let strategyId: String
    let days: Int

    init(fields: inout JSONFields) {
        email = fields.requiredString("email").map(EmailAddress.normalized) ?? ""
        let id = fields.requiredString("strategyId")
        if let id, !StrategyID.isValid(id) { fields.reject("strategyId", "must be a strategy identifier") }
        strategyId = id ?? ""
        let days = fields.requiredInt("days")
        let range = GrantedSubscription.days
        if let days, !range.contains(days) { fields.reject("days", "must be \(range.lowerBound) to \(range.upperBound)") }
        self.days = days ?? 0
    }
}
