import Foundation
import Hummingbird
import Models
import ServiceKit

/// `/rest/v1/bots` and `/rest/v1/bot_deployments`: the PostgREST tables a stock OctoBot
/// registers itself in at its first login and sends its heartbeat to. Rows are always the
/// caller's, whatever the query says (the cloud's row-level security); other tables under
/// `/rest/v1` answer PostgREST's 404.
struct BotRegistryController: Sendable {
    let registry: any BotRegistry
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("bots") { request, context in
            let user = try context.requireUser()
            let query = try PostgRESTQuery(request.formQuery, table: "bots", columns: ["id", "user_id"])
            guard try query.uuid("user_id").map({ $0 == user.userId }) ?? true else { return PostgRESTRows([BotRow]()) }
            let (embedded, inner) = query.embedding("bot_deployment")
            let bots = try await registry.bots(userId: user.userId, id: try query.uuid("id"))
                .filter { !inner || $0.deployment != nil }
            return PostgRESTRows(bots.map { BotRow($0, embedDeployment: embedded) })
        }
        group.post("bots") { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(BotInsert.self)
            if let problem = PostgRESTProblem.unknownColumns(body.unknownColumns, table: "bots") { throw problem }
            guard body.userId.map({ $0 == user.userId }) ?? true else { throw PostgRESTProblem.rowLevelSecurity(table: "bots") }
            let bot = try await registry.createBot(userId: user.userId, name: body.name, at: clock.now())
            return PostgRESTRows([BotRow(RegisteredBot(bot: bot, deployment: nil), embedDeployment: false)], written: .created, for: request)
        }
        group.patch("bots") { request, context in
            let user = try context.requireUser()
            let id = try Self.requiredId(request, table: "bots", columns: ["id", "user_id"], verb: "UPDATE")
            let body = try await request.decodeJSONBody(BotPatch.self)
            if let problem = PostgRESTProblem.unknownColumns(body.unknownColumns, table: "bots") { throw problem }
            switch try await registry.updateBot(userId: user.userId, id: id, change: body.change, at: clock.now()) {
            case .updated(let bot):
                return PostgRESTRows([BotRow(RegisteredBot(bot: bot, deployment: nil), embedDeployment: false)], written: .ok, for: request)
            case .noSuchBot:
                return PostgRESTRows([BotRow](), written: .ok, for: request)
            case .foreignDeployment:
                throw ProblemDetails(
                    .conflict, detail: "current_deployment_id must be one of this bot's deployments (bots_current_deployment_id_fkey)",
                    code: "23503"
                )
            }
        }
        group.delete("bots") { request, context in
            let user = try context.requireUser()
            let id = try Self.requiredId(request, table: "bots", columns: ["id", "user_id"], verb: "DELETE")
            let deleted = try await registry.deleteBot(userId: user.userId, id: id)
            return PostgRESTRows(
                [deleted].compactMap { $0 }.map { BotRow(RegisteredBot(bot: $0, deployment: nil), embedDeployment: false) },
                written: .ok, for: request
            )
        }

        group.get("bot_deployments") { request, context in
            let user = try context.requireUser()
            let query = try PostgRESTQuery(request.formQuery, table: "bot_deployments", columns: ["id", "bot_id"])
            let deployments = try await registry.deployments(userId: user.userId, id: try query.uuid("id"), botId: try query.uuid("bot_id"))
            return PostgRESTRows(deployments.map(DeploymentRow.init))
        }
        group.post("bot_deployments") { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(DeploymentInsert.self)
            if let problem = PostgRESTProblem.unknownColumns(body.unknownColumns, table: "bot_deployments") { throw problem }
            let now = clock.now()
            let deployment = BotDeployment(
                id: UUID(), botId: body.botId, kind: body.kind, status: body.status, version: body.version,
                lastActivity: body.lastActivity, nextActivity: body.nextActivity, createdAt: now, updatedAt: now
            )
            guard let created = try await registry.createDeployment(userId: user.userId, deployment) else {
                throw PostgRESTProblem.rowLevelSecurity(table: "bot_deployments")
            }
            return PostgRESTRows([DeploymentRow(created)], written: .created, for: request)
        }
        group.patch("bot_deployments") { request, context in
            let user = try context.requireUser()
            let id = try Self.requiredId(request, table: "bot_deployments", columns: ["id", "bot_id"], verb: "UPDATE")
            let body = try await request.decodeJSONBody(DeploymentPatch.self)
            if let problem = PostgRESTProblem.unknownColumns(body.unknownColumns, table: "bot_deployments") { throw problem }
            let updated = try await registry.updateDeployment(userId: user.userId, id: id, change: body.change, at: clock.now())
            return PostgRESTRows([updated].compactMap { $0 }.map(DeploymentRow.init), written: .ok, for: request)
        }

        // Every other table: the cloud has many (portfolios, trades, logs) that Astrolab does not keep.
        for method in [HTTPRequest.Method.get, .post, .patch, .delete] {
            group.on(":table", method: method) { _, context -> Response in
                _ = try context.requireUser()
                let table = context.parameters.get("table") ?? ""
                // This route also matches a method a kept table does not offer (DELETE of a deployment).
                if let allowed = Self.methods[table] { throw ProblemDetails.methodNotAllowed(allow: allowed) }
                throw PostgRESTProblem.unknownTable(table)
            }
        }
    }

    /// The methods each kept table answers.
    static let methods = ["bots": "GET, POST, PATCH, DELETE", "bot_deployments": "GET, POST, PATCH"]

    /// The row a PATCH or DELETE names with `id=eq.<uuid>`.
    private static func requiredId(_ request: Request, table: String, columns: Set<String>, verb: String) throws -> UUID {
        guard let id = try PostgRESTQuery(request.formQuery, table: table, columns: columns).uuid("id") else {
            throw PostgRESTProblem.whereClauseRequired(verb)
        }
        return id
    }
}
