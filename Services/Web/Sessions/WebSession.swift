import Foundation

/// A signed-in browser: who it is, and the API tokens the web app acts with on its behalf.
struct WebSession: Sendable, Equatable {
    let cookieHash: Data
    let userId: UUID
    let displayName: String
    let isAdmin: Bool
    let accessToken: String
    let accessExpiresAt: Date
    let refreshToken: String
    let expiresAt: Date
}
