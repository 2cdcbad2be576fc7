import Foundation

/// A person with an Astrolab account.
public struct User: Sendable, Equatable {
    public let id: UUID
    public let email: String
    public let displayName: String
    public let roles: [Role]
    public let createdAt: Date

    public init(id: UUID, email: String, displayName: String, roles: [Role], createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.roles = roles
        self.createdAt = createdAt
    }

    public var isAdmin: Bool { roles.contains(.admin) }
}

/// What a user may do beyond the basics; carried in access tokens as `roles`.
public enum Role: String, Sendable, Codable, CaseIterable {
    case user
    case admin

    /// Stored roles that this build does not know are dropped rather than failing the request.
    package static func parse(_ names: [String]) -> [Role] {
        names.compactMap(Role.init(rawValue:))
    }
}
