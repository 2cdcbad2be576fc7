import ExactJSON
import Foundation
import Hummingbird
import Models
import ServiceKit

/// A user as GoTrue shows one (`GET /auth/v1/user`, and inside a session). The bot validates it
/// with supabase_auth's pydantic model and reads `user_metadata`; registering, it says "email
/// already in use" unless `identities` is non-empty, and "validate your email" while
/// `confirmed_at` is null. Astrolab confirms no email, so an account is confirmed when made.
struct GoTrueUser: ResponseEncodable {
    let id: String
    let aud = "authenticated"
    let role = "authenticated"
    let email: String
    let phone = ""
    let appMetadata = AppMetadata()
    let userMetadata: JSONObject
    let identities: [Identity]
    let createdAt: Date
    let confirmedAt: Date
    let emailConfirmedAt: Date
    let updatedAt: Date
    let isAnonymous = false

    struct AppMetadata: Encodable {
        let provider = "email"
        let providers = ["email"]
    }

    /// The one identity an email-and-password account has.
    struct Identity: Encodable {
        let id: String
        let identityId: String
        let userId: String
        let identityData: JSONObject
        let provider = "email"
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, provider
            case identityId = "identity_id", userId = "user_id", identityData = "identity_data"
            case createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    init(_ user: User, metadata: JSONObject) {
        let id = user.id.uuidString.lowercased()
        self.id = id
        email = user.email
        userMetadata = metadata
        identities = [
            Identity(
                id: id, identityId: id, userId: id,
                identityData: ["sub": .string(id), "email": .string(user.email), "email_verified": .bool(true)],
                createdAt: user.createdAt, updatedAt: user.createdAt
            )
        ]
        createdAt = user.createdAt
        confirmedAt = user.createdAt
        emailConfirmedAt = user.createdAt
        updatedAt = user.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, aud, role, email, phone, identities
        case appMetadata = "app_metadata", userMetadata = "user_metadata"
        case createdAt = "created_at", confirmedAt = "confirmed_at", emailConfirmedAt = "email_confirmed_at"
        case updatedAt = "updated_at", isAnonymous = "is_anonymous"
    }
}

/// A GoTrue session: the same tokens as `/v1/auth`. `expires_in` must be a JSON integer
/// (pydantic refuses `900.0`); the bot treats both tokens as opaque.
struct GoTrueSession: ResponseEncodable {
    let accessToken: String
    let tokenType = "bearer"
    let expiresIn: Int
    let expiresAt: Int
    let refreshToken: String
    let user: GoTrueUser

    init(_ session: IssuedSession, metadata: JSONObject, issuedAt: Date) {
        accessToken = session.tokens.accessToken
        expiresIn = session.tokens.expiresIn
        expiresAt = Int(issuedAt.timeIntervalSince1970.rounded(.down)) + session.tokens.expiresIn
        refreshToken = session.tokens.refreshToken
        user = GoTrueUser(session.user, metadata: metadata)
    }

    enum CodingKeys: String, CodingKey {
        case user
        case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in"
        case expiresAt = "expires_at", refreshToken = "refresh_token"
    }
}
