import Foundation

/// A long-lived credential for bots. The secret itself is never stored, only its hash.
public struct APIKey: Sendable, Equatable {
    public let id: UUID
    public let userId: UUID
    public let name: String
    /// The first characters of the secret, so a user can tell keys apart in a list.
    public let prefix: String
    public let scopes: [APIKeyScope]
    public let strategyIds: [String]
    public let createdAt: Date

    public init(id: UUID, userId: UUID, name: String, prefix: String, scopes: [APIKeyScope], strategyIds: [String], createdAt: Date) {
        self.id = id
        self.userId = userId
        self.name = name
        self.prefix = prefix
        self.scopes = scopes
        self.strategyIds = strategyIds
        self.createdAt = createdAt
    }
}

/// What an API key may be used for.
public enum APIKeyScope: String, Sendable, Codable, CaseIterable {
    case signalsEmit = "signals:emit"
    case signalsFollow = "signals:follow"
}
