import APIShapes
import Foundation
import Hummingbird
import Models
import ServiceKit

/// `/strategies/{id}`: a strategy, and for the signed-in user their subscription to it:
/// `Subscribe`, then `Copy download url` (the personal URL, also in a read-only field), rotate
/// and cancel. A signal strategy shows its identifier with `Copy identifier`. Admins can take a
/// published strategy down from here, with a reason.
struct StrategyPage: Sendable {
    let kit: PageKit

    struct View: Sendable {
        let strategy: StrategyDetails
        let signedIn: Bool
        let subscription: SubscriptionView?
        let signals: SignalHistory?
        /// A profile strategy's approved versions, newest first, with what each contains.
        let versions: [EditorPages.VersionRow]
        let hasVersions: Bool
        let notice: String?
        let takeDown: TakeDownForm?
    }

    /// The admin's take-down form: what they typed, kept when the API refused it.
    struct TakeDownForm: Sendable {
        var typedReason = ""
        var refusal: String?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/strategies/:id") { request, context in
            let session = try await kit.sessions.current(request)
            let id = try Self.strategyId(context.parameters.get("id"))
            return try await page(id, for: request, session: session)
        }
        router.post("/strategies/:id/subscribe") { request, context in
            let id = try Self.strategyId(context.parameters.get("id"))
            _ = try await kit.form(request)
            let session = try await kit.requireSession(request)
            let answer = try await kit.api.post("/v1/subscriptions", token: session.accessToken, json: ["strategyId": id])
            guard answer.isSuccess else { throw answer.pageError }
            return PageKit.redirect("/strategies/\(id)?notice=subscribed")
        }
        router.post("/strategies/:id/take-down") { request, context in
            let id = try Self.strategyId(context.parameters.get("id"))
            let form = try await kit.form(request)
            let session = try await kit.requireSession(request)
            guard session.isAdmin else { throw PageError.forbidden("Only admins take strategies down.") }
            let answer = try await kit.api.post("/v1/moderation/strategies/\(id)/take-down", token: session.accessToken, json: ["reason": form["reason"] ?? ""])
            guard answer.isSuccess else {
                if answer.status == 404 { throw PageError.notFound }
                let problem = answer.problem
                let typed = TakeDownForm(typedReason: form["reason"] ?? "", refusal: problem.message(for: "reason").map { "The reason \($0)." } ?? problem.detail)
                return try await page(id, for: request, session: session, takeDown: typed, status: SignInPages.status(problem))
            }
            return PageKit.redirect("/moderation?notice=taken-down")
        }
    }

    private func page(
        _ id: String, for request: Request, session: WebSession?, takeDown: TakeDownForm? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let answer = try await kit.api.get("/v1/strategies/\(id)", token: session?.accessToken)
        guard answer.isSuccess else { throw PageError.notFound }
        let strategy = try answer.decode(StrategyBody.self)
        var subscription: SubscriptionView?
        if let session {
            let mine = try await kit.api.get("/v1/subscriptions", token: session.accessToken)
            if mine.isSuccess {
                subscription = try mine.decode(Page<SubscriptionBody>.self).items
                    .first { $0.strategyId == id && $0.status == "active" }
                    .map(SubscriptionView.init)
            }
        }
        let signals = strategy.kind == "signals" && session != nil
            ? try await SignalHistory.load(strategyId: id, token: session?.accessToken ?? "", api: kit.api) : nil
        var versions: [EditorPages.VersionRow] = []
        if strategy.kind == "profile" {
            let listed = try await kit.api.get("/v1/strategies/\(id)/versions", token: session?.accessToken)
            if listed.isSuccess {
                // The author and admins are sent every version; the public page shows what was approved.
                versions = try listed.decode(Page<VersionBody>.self).items.filter { $0.status == "approved" }.map(EditorPages.VersionRow.init)
            }
        }
        let mayTakeDown = session?.isAdmin == true && strategy.status == "published"
        let view = View(
            strategy: StrategyDetails(strategy), signedIn: session != nil, subscription: subscription, signals: signals, versions: versions, hasVersions: !versions.isEmpty,
            notice: request.formQuery["notice"].flatMap(Notice.text(for:)), takeDown: mayTakeDown ? takeDown ?? TakeDownForm() : nil
        )
        return kit.page("strategy", title: strategy.name, view, for: request, session: session, status: status)
    }

    /// A path segment that is not a strategy id (the API's own rule) is not a page.
    static func strategyId(_ raw: String?) throws -> String {
        guard let raw, StrategyID.isValid(raw) else { throw PageError.notFound }
        return raw
    }
}

/// The one-line confirmations pages show after a redirect (never text from the URL itself).
enum Notice {
    static func text(for code: String) -> String? {
        switch code {
        case "subscribed": "You are subscribed. Copy your download URL into your OctoBot (Profile → Import)."
        case "rotated": "Your download URL was replaced: the old one no longer works."
        case "cancelled": "Your subscription is cancelled: its download URL no longer works."
        default: nil
        }
    }
}

/// A strategy as its page shows it.
struct StrategyDetails: Sendable {
    let id: String
    let name: String
    let description: RichText
    let author: String
    let isSignals: Bool
    let kind: String
    let status: String
    let isPublished: Bool
    /// Nil rather than empty: an empty string is truthy to Mustache.
    let exchanges: String?
    let pairs: [String]
    let tradingMode: String?
    let subscribers: Int
    let logoUrl: String?
    let version: String?

    init(_ strategy: StrategyBody) {
        id = strategy.id
        name = strategy.name
        description = RichText(strategy.description)
        author = strategy.author.displayName
        isSignals = strategy.kind == "signals"
        kind = isSignals ? "Signals" : "Profile"
        status = strategy.status.replacingOccurrences(of: "_", with: " ")
        isPublished = strategy.status == "published"
        exchanges = strategy.exchanges.isEmpty ? nil : strategy.exchanges.joined(separator: ", ")
        pairs = strategy.pairs
        tradingMode = strategy.tradingMode
        subscribers = strategy.subscriberCount
        logoUrl = strategy.logoUrl
        version = strategy.currentVersion.map { "Version \($0.number), \(DisplayDate.day($0.createdAt))" }
    }
}

/// A subscription as the strategy page and `My subscriptions` show it.
struct SubscriptionView: Sendable {
    let id: String
    let strategyId: String
    let downloadUrl: String?
    let endsAt: String?
    let status: String

    init(_ subscription: SubscriptionBody) {
        id = subscription.id
        strategyId = subscription.strategyId
        downloadUrl = subscription.downloadUrl
        endsAt = subscription.endsAt.map(DisplayDate.day)
        status = switch subscription.status {
        case "taken_down": "ended: moderation took the strategy down"
        case "expired", "revoked": "ended: \(subscription.status)"
        default: subscription.status
        }
    }
}
