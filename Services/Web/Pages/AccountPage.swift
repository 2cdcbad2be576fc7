import APIShapes
import Foundation
import Hummingbird
import ServiceKit

/// `Account`: how to connect an OctoBot to this installation, the user's bots and devices, and
/// API keys (created with scopes and shown once, revoked).
struct AccountPage: Sendable {
    let kit: PageKit

    struct View: Sendable {
        let connection: CommunityConnectionBody?
        let bots: [BotRow]
        let devices: [DeviceRow]
        let keys: [KeyRow]
        /// The secret of a key just made: shown on this one page, never again.
        var createdKey: String?
        var problem: String?
        var typedName = ""
        var typedStrategies = ""
        let notice: String?
    }

    struct BotRow: Sendable {
        let name: String
        let version: String?
        let lastActivity: String?
    }

    struct DeviceRow: Sendable {
        let id: String
        let name: String
        let created: String
    }

    struct KeyRow: Sendable {
        let id: String
        let name: String
        let prefix: String
        let scopes: String
        let strategies: String?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/account") { request, _ in
            let session = try await kit.requireSession(request)
            let view = try await view(session, notice: request.formQuery["notice"].flatMap(Self.notice(for:)))
            return kit.page("account", title: "Account", view, for: request, session: session)
        }
        router.post("/account/api-keys") { request, _ in
            let session = try await kit.requireSession(request)
            let form = try await kit.form(request)
            let scopes = [("emit", "signals:emit"), ("follow", "signals:follow")].compactMap { form[$0.0] == "on" ? $0.1 : nil }
            let strategies = (form["strategies"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let answer = try await kit.api.post(
                "/v1/api-keys", token: session.accessToken, json: ["name": form["name"] ?? "", "scopes": scopes, "strategyIds": strategies]
            )
            var view = try await view(session, notice: nil)
            guard answer.isSuccess else {
                let problem = answer.problem
                view.problem = (problem.errors ?? []).map { "\($0.field ?? "key") \($0.message)" }.first ?? problem.detail
                view.typedName = form["name"] ?? ""
                view.typedStrategies = form["strategies"] ?? ""
                return kit.page("account", title: "Account", view, for: request, session: session, status: SignInPages.status(problem))
            }
            view.createdKey = try answer.decode(NewAPIKeyBody.self).key
            return kit.page("account", title: "Account", view, for: request, session: session, status: .created)
        }
        router.post("/account/api-keys/:id/revoke") { request, context in
            try await remove(request, "/v1/api-keys", context.parameters.get("id"), notice: "revoked")
        }
        router.post("/account/devices/:id/delete") { request, context in
            try await remove(request, "/v1/devices", context.parameters.get("id"), notice: "deleted")
        }
    }

    private func remove(_ request: Request, _ collection: String, _ rawId: String?, notice: String) async throws -> Response {
        let session = try await kit.requireSession(request)
        _ = try await kit.form(request)
        guard let id = rawId.flatMap(UUID.init(uuidString:))?.uuidString.lowercased() else { throw PageError.notFound }
        let answer = try await kit.api.delete("\(collection)/\(id)", token: session.accessToken)
        guard answer.isSuccess else { throw answer.pageError }
        return PageKit.redirect("/account?notice=\(notice)")
    }

    private func view(_ session: WebSession, notice: String?) async throws -> View {
        async let connection = kit.api.get("/v1/community", token: nil)
        async let bots = kit.api.get("/v1/bots", token: session.accessToken)
        async let devices = kit.api.get("/v1/devices", token: session.accessToken)
        async let keys = kit.api.get("/v1/api-keys", token: session.accessToken)
        let (connectionAnswer, botsAnswer, devicesAnswer, keysAnswer) = try await (connection, bots, devices, keys)
        return View(
            connection: connectionAnswer.isSuccess ? try connectionAnswer.decode(CommunityConnectionBody.self) : nil,
            bots: (botsAnswer.isSuccess ? try botsAnswer.decode(Page<BotBody>.self).items : []).map {
                BotRow(name: $0.name ?? "OctoBot (\($0.deployment ?? "not started"))", version: $0.version, lastActivity: $0.lastActivityAt.map(DisplayDate.day))
            },
            devices: (devicesAnswer.isSuccess ? try devicesAnswer.decode(Page<DeviceBody>.self).items : []).map {
                DeviceRow(id: $0.id, name: $0.name, created: DisplayDate.day($0.createdAt))
            },
            keys: (keysAnswer.isSuccess ? try keysAnswer.decode(Page<APIKeyBody>.self).items : []).map {
                KeyRow(id: $0.id, name: $0.name, prefix: $0.prefix, scopes: $0.scopes.joined(separator: ", "),
                       strategies: $0.strategyIds.isEmpty ? nil : $0.strategyIds.joined(separator: ", "))
            },
            notice: notice
        )
    }

    static func notice(for code: String) -> String? {
        switch code {
        case "revoked": "The key is revoked: it stops working at once."
        case "deleted": "The device is deleted: a bot using it can no longer connect."
        default: nil
        }
    }
}
