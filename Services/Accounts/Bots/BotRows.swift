import Foundation
import ServiceKit

/// A `bots` row as PostgREST shows it (`select=*`), with the current deployment embedded when
/// the query asks for `bot_deployment:bot_deployments!bots_current_deployment_id_fkey(*)`.
/// The bot reads `id`, `name` (the key must exist) and `current_portfolio_id`; Astrolab keeps
/// no portfolios, so that one is always null.
struct BotRow: Encodable, Sendable {
    let bot: Bot
    let embedded: DeploymentRow??

    init(_ registered: RegisteredBot, embedDeployment: Bool) {
        bot = registered.bot
        embedded = embedDeployment ? .some(registered.deployment.map(DeploymentRow.init)) : .none
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case userId = "user_id", currentDeploymentId = "current_deployment_id", currentPortfolioId = "current_portfolio_id"
        case createdAt = "created_at", updatedAt = "updated_at", botDeployment = "bot_deployment"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bot.id.uuidString.lowercased(), forKey: .id)
        try container.encode(bot.userId.uuidString.lowercased(), forKey: .userId)
        try container.encode(bot.name, forKey: .name)
        try container.encode(bot.currentDeploymentId?.uuidString.lowercased(), forKey: .currentDeploymentId)
        try container.encodeNil(forKey: .currentPortfolioId)
        try container.encode(PostgRESTTimestamp.format(bot.createdAt), forKey: .createdAt)
        try container.encode(PostgRESTTimestamp.format(bot.updatedAt), forKey: .updatedAt)
        if let embedded { try container.encode(embedded, forKey: .botDeployment) }
    }
}

/// A `bot_deployments` row; `activities` holds the heartbeat times in the bot's own format.
struct DeploymentRow: Encodable, Sendable {
    let deployment: BotDeployment

    init(_ deployment: BotDeployment) {
        self.deployment = deployment
    }

    enum CodingKeys: String, CodingKey {
        case id, type, status, version, activities
        case botId = "bot_id", createdAt = "created_at", updatedAt = "updated_at"
    }

    enum ActivityKeys: String, CodingKey {
        case lastActivity = "last_activity", nextActivity = "next_activity"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(deployment.id.uuidString.lowercased(), forKey: .id)
        try container.encode(deployment.botId.uuidString.lowercased(), forKey: .botId)
        try container.encode(deployment.kind.rawValue, forKey: .type)
        try container.encode(deployment.status, forKey: .status)
        try container.encode(deployment.version, forKey: .version)
        var activities = container.nestedContainer(keyedBy: ActivityKeys.self, forKey: .activities)
        try activities.encode(deployment.lastActivity.map(PostgRESTTimestamp.format), forKey: .lastActivity)
        try activities.encode(deployment.nextActivity.map(PostgRESTTimestamp.format), forKey: .nextActivity)
        try container.encode(PostgRESTTimestamp.format(deployment.createdAt), forKey: .createdAt)
        try container.encode(PostgRESTTimestamp.format(deployment.updatedAt), forKey: .updatedAt)
    }
}
