import Foundation
import Logging
import Models
import PostgresNIO

/// The `bots` and `bot_deployments` tables (owned by the accounts service). Every method takes
/// the caller: rows of other users are invisible, whatever a request names.
protocol BotRegistry: Sendable {
    /// The user's bots (one when `id` is given), oldest first, with their current deployment.
    func bots(userId: UUID, id: UUID?) async throws -> [RegisteredBot]
    func createBot(userId: UUID, name: String?, at: Date) async throws -> Bot
    /// Renames the bot and/or points it at one of its own deployments.
    func updateBot(userId: UUID, id: UUID, change: BotChange, at: Date) async throws -> BotUpdate
    func deleteBot(userId: UUID, id: UUID) async throws -> Bot?
    /// The user's deployments (one when `id` is given, or those of bot `botId`).
    func deployments(userId: UUID, id: UUID?, botId: UUID?) async throws -> [BotDeployment]
    /// nil when `deployment.botId` is not one of the user's bots.
    func createDeployment(userId: UUID, _ deployment: BotDeployment) async throws -> BotDeployment?
    func updateDeployment(userId: UUID, id: UUID, change: DeploymentChange, at: Date) async throws -> BotDeployment?
}

/// What a PATCH of a bot may change; nil members stay as they are.
struct BotChange: Sendable {
    var name: String??
    var currentDeploymentId: UUID??
}

enum BotUpdate: Sendable, Equatable {
    case updated(Bot)
    case noSuchBot
    /// The deployment named is not one of this bot's.
    case foreignDeployment
}

/// What a PATCH of a deployment may change; nil members stay as they are.
struct DeploymentChange: Sendable {
    var status: String?
    var version: String??
    var lastActivity: Date??
    var nextActivity: Date??
}

struct PostgresBotRegistry: BotRegistry {
    let client: PostgresClient
    let logger: Logger

    private static let botColumns = "b.id, b.user_id, b.name, b.current_deployment_id, b.created_at, b.updated_at"
    private static let deploymentColumns =
        "d.id, d.bot_id, d.type, d.status, d.version, d.last_activity, d.next_activity, d.created_at, d.updated_at"

    func bots(userId: UUID, id: UUID?) async throws -> [RegisteredBot] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.botColumns), \(unescaped: Self.deploymentColumns)
            FROM bots b LEFT JOIN bot_deployments d ON d.id = b.current_deployment_id
            WHERE b.user_id = \(userId) AND (\(id)::uuid IS NULL OR b.id = \(id))
            ORDER BY b.created_at, b.id
            """,
            logger: logger
        )
        var bots: [RegisteredBot] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            // The LEFT JOIN leaves the deployment's columns null for a bot without one.
            let deployment = try cells[6].decode(UUID?.self) == nil ? nil : try Self.deployment(cells, from: 6)
            bots.append(RegisteredBot(bot: try Self.bot(cells), deployment: deployment))
        }
        return bots
    }

    func createBot(userId: UUID, name: String?, at date: Date) async throws -> Bot {
        let bot = Bot(id: UUID(), userId: userId, name: name, currentDeploymentId: nil, createdAt: date, updatedAt: date)
        try await client.query(
            "INSERT INTO bots (id, user_id, name, created_at, updated_at) VALUES (\(bot.id), \(userId), \(name), \(date), \(date))",
            logger: logger
        )
        return bot
    }

    func updateBot(userId: UUID, id: UUID, change: BotChange, at date: Date) async throws -> BotUpdate {
        let setsName = change.name != nil
        let setsDeployment = change.currentDeploymentId != nil
        let rows = try await client.query(
            """
            UPDATE bots b SET
                name = CASE WHEN \(setsName) THEN \(change.name ?? nil) ELSE b.name END,
                current_deployment_id = CASE WHEN \(setsDeployment) THEN \(change.currentDeploymentId ?? nil) ELSE b.current_deployment_id END,
                updated_at = \(date)
            WHERE b.id = \(id) AND b.user_id = \(userId)
              AND (NOT \(setsDeployment) OR \(change.currentDeploymentId ?? nil)::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM bot_deployments d WHERE d.id = \(change.currentDeploymentId ?? nil) AND d.bot_id = b.id))
            RETURNING \(unescaped: Self.botColumns)
            """,
            logger: logger
        )
        for try await row in rows { return .updated(try Self.bot(row.makeRandomAccess())) }
        return try await bots(userId: userId, id: id).isEmpty ? .noSuchBot : .foreignDeployment
    }

    func deleteBot(userId: UUID, id: UUID) async throws -> Bot? {
        let rows = try await client.query(
            "DELETE FROM bots b WHERE b.id = \(id) AND b.user_id = \(userId) RETURNING \(unescaped: Self.botColumns)", logger: logger
        )
        for try await row in rows { return try Self.bot(row.makeRandomAccess()) }
        return nil
    }

    func deployments(userId: UUID, id: UUID?, botId: UUID?) async throws -> [BotDeployment] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.deploymentColumns)
            FROM bot_deployments d JOIN bots b ON b.id = d.bot_id
            WHERE b.user_id = \(userId) AND (\(id)::uuid IS NULL OR d.id = \(id)) AND (\(botId)::uuid IS NULL OR d.bot_id = \(botId))
            ORDER BY d.created_at, d.id
            """,
            logger: logger
        )
        var deployments: [BotDeployment] = []
        for try await row in rows { deployments.append(try Self.deployment(row.makeRandomAccess(), from: 0)) }
        return deployments
    }

    func createDeployment(userId: UUID, _ deployment: BotDeployment) async throws -> BotDeployment? {
        let rows = try await client.query(
            """
            INSERT INTO bot_deployments (id, bot_id, type, status, version, last_activity, next_activity, created_at, updated_at)
            SELECT \(deployment.id), b.id, \(deployment.kind.rawValue), \(deployment.status), \(deployment.version),
                   \(deployment.lastActivity), \(deployment.nextActivity), \(deployment.createdAt), \(deployment.updatedAt)
            FROM bots b WHERE b.id = \(deployment.botId) AND b.user_id = \(userId)
            RETURNING id
            """,
            logger: logger
        )
        return try await rows.containsRows() ? deployment : nil
    }

    func updateDeployment(userId: UUID, id: UUID, change: DeploymentChange, at date: Date) async throws -> BotDeployment? {
        let rows = try await client.query(
            """
            UPDATE bot_deployments d SET
                status = COALESCE(\(change.status), d.status),
                version = CASE WHEN \(change.version != nil) THEN \(change.version ?? nil) ELSE d.version END,
                last_activity = CASE WHEN \(change.lastActivity != nil) THEN \(change.lastActivity ?? nil) ELSE d.last_activity END,
                next_activity = CASE WHEN \(change.nextActivity != nil) THEN \(change.nextActivity ?? nil) ELSE d.next_activity END,
                updated_at = \(date)
            FROM bots b
            WHERE d.id = \(id) AND b.id = d.bot_id AND b.user_id = \(userId)
            RETURNING \(unescaped: Self.deploymentColumns)
            """,
            logger: logger
        )
        for try await row in rows { return try Self.deployment(row.makeRandomAccess(), from: 0) }
        return nil
    }

    private static func bot(_ cells: PostgresRandomAccessRow) throws -> Bot {
        Bot(
            id: try cells[0].decode(UUID.self), userId: try cells[1].decode(UUID.self), name: try cells[2].decode(String?.self),
            currentDeploymentId: try cells[3].decode(UUID?.self), createdAt: try cells[4].decode(Date.self),
            updatedAt: try cells[5].decode(Date.self)
        )
    }

    /// The deployment columns of a row, starting at column `first`.
    private static func deployment(_ cells: PostgresRandomAccessRow, from first: Int) throws -> BotDeployment {
        let kind = try cells[first + 2].decode(String.self)
        return BotDeployment(
            id: try cells[first].decode(UUID.self), botId: try cells[first + 1].decode(UUID.self),
            kind: BotDeployment.Kind(rawValue: kind) ?? .selfHosted,
            status: try cells[first + 3].decode(String.self), version: try cells[first + 4].decode(String?.self),
            lastActivity: try cells[first + 5].decode(Date?.self), nextActivity: try cells[first + 6].decode(Date?.self),
            createdAt: try cells[first + 7].decode(Date.self), updatedAt: try cells[first + 8].decode(Date.self)
        )
    }
}
