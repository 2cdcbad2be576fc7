/// The accounts service's shapes (API.md §Accounts), as its clients decode them; named `…Body`
/// so they never meet the domain types (`Models.User`, `Device`, `APIKey`). Dates stay the
/// strings the API sends: a client that shows one formats it itself.
public struct UserBody: Decodable, Sendable {
    public let id: String
    public let email: String
    public let displayName: String
    /// `["user"]` or `["user", "admin"]`.
    public let roles: [String]
    public let createdAt: String
}

/// What login and refresh hand out.
public struct TokensBody: Decodable, Sendable {
    public let accessToken: String
    public let refreshToken: String
    public let tokenType: String
    public let expiresIn: Int
}

/// A key as its creation answers it: the only time the secret is shown.
public struct NewAPIKeyBody: Decodable, Sendable {
    public let id: String
    public let name: String
    /// The secret, `ak_` and 43 characters.
    public let key: String
    public let scopes: [String]
    public let strategyIds: [String]
    public let createdAt: String
}

/// A key as `GET /v1/api-keys` lists it: no secret, only its `prefix`. That `key` is absent, not
/// null, is for a test to check on the JSON itself: a decoded shape cannot tell the two apart.
public struct APIKeyBody: Decodable, Sendable {
    public let id: String
    public let name: String
    public let prefix: String
    public let scopes: [String]
    public let strategyIds: [String]
    public let createdAt: String
}

/// A device: `id` is the MQTT username of the user's OctoBot.
public struct DeviceBody: Decodable, Sendable {
    public let id: String
    public let name: String
    public let createdAt: String
}

/// A bot of the registry a stock OctoBot keeps on its community server (`GET /v1/bots`); all
/// but `id` and `createdAt` are null until the bot reports them.
public struct BotBody: Decodable, Sendable {
    public let id: String
    @AlwaysPresent public var name: String?
    @AlwaysPresent public var deployment: String?
    @AlwaysPresent public var version: String?
    @AlwaysPresent public var status: String?
    @AlwaysPresent public var lastActivityAt: String?
    @AlwaysPresent public var nextActivityAt: String?
    public let createdAt: String
}

/// `GET /v1/community`: what a user types into their bot's settings.
public struct CommunityConnectionBody: Decodable, Sendable {
    /// `COMMUNITY_BACKEND_URL`.
    public let backendUrl: String
    /// `COMMUNITY_BACKEND_KEY`.
    public let publicKey: String
    /// `COMMUNITY_FEED_URL`: a host name only.
    public let feedHost: String
    /// The MQTT port the bot always uses, 1883.
    public let feedPort: Int
}

/// `GET /.well-known/jwks.json`. That a key has no private member (`d`) is for a test to check
/// on the JSON itself: a shape only lists what is there.
public struct JWKSBody: Decodable, Sendable {
    public struct Key: Decodable, Sendable {
        public let kty: String
        public let crv: String
        public let x: String
        public let y: String
        public let kid: String
        public let alg: String
    }

    public let keys: [Key]
}
