import Foundation
import Hummingbird
import Models

/// The public shape of a user (API.md "User").
struct UserResponse: ResponseEncodable {
    let id: String
    let email: String
    let displayName: String
    let roles: [String]
    let createdAt: Date

    init(_ user: User) {
        id = user.id.uuidString.lowercased()
        email = user.email
        displayName = user.displayName
        roles = user.roles.map(\.rawValue)
        createdAt = user.createdAt
    }
}
