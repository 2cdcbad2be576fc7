import Foundation
import Rules
import ServiceKit

/// The subscriptions service's settings: the shared ones, the secret download tokens derive
/// from, and the expiry sweep's pace.
struct SubscriptionsConfiguration: Sendable {
    var service: ServiceConfiguration
    /// HMAC key of download tokens: changing it invalidates every download URL.
    var downloadTokenSecret: String
    var expiryInterval: Duration

    init(environment env: EnvironmentReader = EnvironmentReader()) throws {
        service = try ServiceConfiguration(environment: env, defaultPort: 8084)
        downloadTokenSecret = try env.required(
            "DOWNLOAD_TOKEN_SECRET", env.secret, holding: "the secret download URLs derive from", makeOneWith: "openssl rand -base64 48"
        )
        expiryInterval = .seconds(try env.int("EXPIRY_INTERVAL_SECONDS", default: 30, range: 1...3600))
    }
}
