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
    let name: String?
    let deployment: String?
    let version: String?
    let status: String?
    let lastActivityAt: Date?
    let nextActivityAt: Date?
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

    enum CodingKeys: String, CodingKey {
        case id, name, deployment, version, status, lastActivityAt, nextActivityAt, createdAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(deployment, forKey: .deployment)
        try container.encode(version, forKey: .version)
        try container.encode(status, forKey: .status)
        try container.encode(lastActivityAt, forKey: .lastActivityAt)
        try container.encode(nextActivityAt, forKey: .nextActivityAt)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
