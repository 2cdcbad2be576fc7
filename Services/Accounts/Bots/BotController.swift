import Foundation
import Hummingbird
import Models
import ServiceKit

/// `GET /v1/bots`: the user's registry of bots that signed in through the community API, with
/// the version each last reported and its heartbeat.
struct BotController: Sendable {
    let registry: any BotRegistry

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { _, context in
            let user = try context.requireUser()
            return ListResponse(items: try await registry.bots(userId: user.userId, id: nil).map(BotResponse.init))
        }
    }
}

struct BotResponse: ResponseEncodable {
    let id: String
    @NullWhenAbsent var name: String?
    @NullWhenAbsent var deployment: String?
    @NullWhenAbsent var version: String?
    @NullWhenAbsent var status: String?
    @NullWhenAbsent var lastActivityAt: Date?
    @NullWhenAbsent var nextActivityAt: Date?
    let createdAt: Date

    init(_ registered: RegisteredBot) {
        id = registered.bot.id.uuidString.lowercased()
        name = registered.bot.name
        deployment = registered.deployment?.kind.rawValue
        version = registered.deployment?.version
        status = registered.deployment?.status
        lastActivityAt = registered.deployment?.lastActivity
        nextActivityAt = registered.deployment?.nextActivity
        createdAt = registered.bot.createdAt
    }
}
