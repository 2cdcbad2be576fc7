import Foundation

/// One of a user's bots, as a stock OctoBot registers itself at its first community login.
struct Bot: Sendable, Equatable {
    let id: UUID
    let userId: UUID
    let name: String?
    let currentDeploymentId: UUID?
    let createdAt: Date
    let updatedAt: Date
}

/// Where and how a bot runs: self-hosted for every bot that logs in from its own machine. Its
/// activity times are the bot's heartbeat (last seen, next expected).
struct BotDeployment: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case selfHosted = "self_hosted"
        case cloud
    }

    /// The bot's own status vocabulary (`BotDeploymentStatus`); `archived` hides a bot from it.
    static let statuses: Set<String> = ["created", "updated", "running", "stopped", "pending", "unknown", "archived"]

    let id: UUID
    let botId: UUID
    let kind: Kind
    let status: String
    let version: String?
    let lastActivity: Date?
    let nextActivity: Date?
    let createdAt: Date
    let updatedAt: Date
}

/// A bot with the deployment it currently runs as, if any.
struct RegisteredBot: Sendable, Equatable {
    let bot: Bot
    let deployment: BotDeployment?
}
