import APIShapes

/// The community API's shapes (COMMUNITY-API.md: what a stock OctoBot's Supabase clients
/// parse), for tests to decode. They stay here rather than in `APIShapes`: they are GoTrue's and
/// PostgREST's protocols, which only the bot and these tests read. Members are snake_case as
/// GoTrue and PostgREST write them. Metadata (`user_metadata`, `app_metadata`) is whatever the
/// bot stores there: it is not part of these shapes, and tests read it from the JSON itself.
public struct GoTrueSessionBody: Decodable, Sendable {
    public let accessToken: String
    public let refreshToken: String
    /// A JSON integer: the bot's pydantic model refuses `900.0`.
    public let expiresIn: Int
    public let expiresAt: Int
    /// `"bearer"`.
    public let tokenType: String
    public let user: GoTrueUserBody

    enum CodingKeys: String, CodingKey {
        case user
        case accessToken = "access_token", refreshToken = "refresh_token", expiresIn = "expires_in"
        case expiresAt = "expires_at", tokenType = "token_type"
    }
}

/// The GoTrue user (`GET /auth/v1/user`, and inside a session).
public struct GoTrueUserBody: Decodable, Sendable {
    /// The one email identity: with none, the bot says the email is taken.
    public struct Identity: Decodable, Sendable {
        public let id: String
        public let provider: String
    }

    public let id: String
    public let email: String
    public let identities: [Identity]
    /// Null tells the bot to ask its user to validate the email.
    @AlwaysPresent public var confirmedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, email, identities
        case confirmedAt = "confirmed_at"
    }
}

/// A GoTrue error (`/auth/v1`): the bot translates `code`.
public struct GoTrueErrorBody: Decodable, Sendable {
    public let code: String
    public let msg: String
}

/// A PostgREST error (`/rest/v1`). That it has these four members and no others is for a test
/// to check on the JSON itself.
public struct PostgRESTErrorBody: Decodable, Sendable {
    public let code: String
    /// The bot refreshes its session on exactly "JWT expired".
    public let message: String
    @AlwaysPresent public var details: String?
    @AlwaysPresent public var hint: String?
}

/// An edge function's error (`/functions/v1`).
public struct FunctionErrorBody: Decodable, Sendable {
    public let code: String
    public let message: String
}

/// A `bots` row (`/rest/v1/bots`). The bot reads `id`, `name` (the key must exist, null or not)
/// and `current_portfolio_id`.
public struct BotRowBody: Decodable, Sendable {
    public let id: String
    @AlwaysPresent public var name: String?
    @AlwaysPresent public var currentDeploymentId: String?
    /// Always null: Astrolab keeps no portfolios.
    @AlwaysPresent public var currentPortfolioId: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case currentDeploymentId = "current_deployment_id", currentPortfolioId = "current_portfolio_id"
    }
}

/// A `bot_deployments` row (`/rest/v1/bot_deployments`); `activities` is the heartbeat.
public struct DeploymentRowBody: Decodable, Sendable {
    /// The heartbeat's times, in the bot's own format (no zone), null until reported.
    public struct Activities: Decodable, Sendable {
        @AlwaysPresent public var lastActivity: String?
        @AlwaysPresent public var nextActivity: String?

        enum CodingKeys: String, CodingKey {
            case lastActivity = "last_activity", nextActivity = "next_activity"
        }
    }

    public let id: String
    public let botId: String
    /// `self_hosted` or `cloud`.
    public let type: String
    public let status: String
    @AlwaysPresent public var version: String?
    public let activities: Activities

    enum CodingKeys: String, CodingKey {
        case id, type, status, version, activities
        case botId = "bot_id"
    }
}
