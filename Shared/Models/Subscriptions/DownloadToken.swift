import Crypto
import Foundation

/// Download URLs are capability URLs: `/d/<token>/<slug>.zip`, no login. The token is
/// HMAC-SHA256(secret, grant id), base64url (256 bits): stable for the grant's life, shown again
/// on every read of the subscription, yet never stored — only its SHA-256 is, so neither a
/// database leak nor the database alone gives anyone a working URL.
public struct DownloadTokenIssuer: Sendable {
    private let key: SymmetricKey

    public struct WeakSecret: Error, CustomStringConvertible {
        public let description = "DOWNLOAD_TOKEN_SECRET must be at least 32 bytes; make one with: openssl rand -base64 48"
    }

    public init(secret: String) throws {
        guard secret.utf8.count >= 32 else { throw WeakSecret() }
        key = SymmetricKey(data: Data(secret.utf8))
    }

    public func token(for grantId: UUID) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(grantId.uuidString.lowercased().utf8), using: key)
        return Data(mac).base64URLEncodedString()
    }

    /// `<publicBaseURL>/d/<token>/<slug>.zip` while the subscription is active, else nil.
    public func downloadURL(for subscription: Subscription, publicBaseURL: String) -> String? {
        guard subscription.status == .active, let grantId = subscription.grantId else { return nil }
        let base = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
        return "\(base)/d/\(token(for: grantId))/\(subscription.strategySlug).zip"
    }

    public static func hash(_ token: String) -> Data {
        SecretToken(value: token).hash
    }
}
