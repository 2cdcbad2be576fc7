import Foundation
import Hummingbird
import Models
import ServiceKit
import SubscriptionStore

/// `/rest/v1/rpc`: the PostgREST functions a stock OctoBot calls for what its user follows.
/// Both answer the caller's active subscriptions' download URLs, the same stable URLs as
/// `/v1/subscriptions`: the bot downloads each one that no installed profile has as its
/// `origin_url`, so a URL that stayed the same installs nothing twice.
struct SubscribedProfilesRPC: Sendable {
    let subscriptions: any SubscriptionRepository
    let urls: DownloadURLs
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("get_subscribed_products_urls") { request, context in
            let user = try context.requireUser()
            _ = try await request.decodeOptionalJSONBody(NoArguments.self)
            return PostgRESTRows(try await subscribedURLs(userId: user.userId))
        }
        // Called by cloud-hosted bots at start; self-hosted bots select their profile themselves.
        group.post("get_startup_info") { request, context in
            let user = try context.requireUser()
            _ = try await request.decodeJSONBody(StartupInfoArguments.self)
            return PostgRESTRows([StartupInfo(forcedProfileURL: nil, subscribedProductsURLs: try await subscribedURLs(userId: user.userId))])
        }
        group.post(":function") { _, context -> Response in
            _ = try context.requireUser()
            throw PostgRESTProblem.unknownFunction(context.parameters.get("function") ?? "")
        }
    }

    /// Active subscriptions only: an ended one (cancelled, expired, revoked, or past its end and
    /// not yet swept by the expiry job) has no URL any more.
    private func subscribedURLs(userId: UUID) async throws -> [String] {
        let now = clock.now()
        return try await subscriptions.list(userId: userId)
            .filter { $0.endsAt.map { $0 > now } ?? true }
            .compactMap(urls.url(for:))
    }
}

/// `get_subscribed_products_urls` takes no arguments; any member is a mistake worth saying.
struct NoArguments: JSONRequestBody {
    init(fields: inout JSONFields) {
        for name in fields.names { fields.reject(name, "is not an argument of this function") }
    }
}

/// `get_startup_info({"bot_id"})`: the answer is the same for each of the user's bots.
struct StartupInfoArguments: JSONRequestBody {
    init(fields: inout JSONFields) {
        if let bot = fields.requiredString("bot_id"), UUID(uuidString: bot) == nil { fields.reject("bot_id", "must be a uuid") }
    }
}

struct StartupInfo: Encodable, Sendable {
    @NullWhenAbsent var forcedProfileURL: String?
    let subscribedProductsURLs: [String]

    enum CodingKeys: String, CodingKey {
        case forcedProfileURL = "forced_profile_url", subscribedProductsURLs = "subscribed_products_urls"
    }
}
