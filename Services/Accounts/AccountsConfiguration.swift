import Foundation
import Rules
import ServiceKit

/// The accounts service's settings: the shared ones plus signing, hashing and session policy.
struct AccountsConfiguration: Sendable {
    var service: ServiceConfiguration
    /// ES256 private key (PKCS#8 PEM) that signs access tokens.
    var signingKeyPEM: String
    var bcryptCost: Int
    var accessTokenLifetime: TimeInterval
    var refreshTokenLifetime: TimeInterval
    var loginThrottle: LoginThrottlePolicy
    /// The MQTT host stock bots are told to use (`COMMUNITY_FEED_URL`); the edge's host by default.
    var communityFeedHost: String

    init(environment env: EnvironmentReader = EnvironmentReader()) throws {
        service = try ServiceConfiguration(environment: env, defaultPort: 8081)
        signingKeyPEM = try env.required(
            "JWT_PRIVATE_KEY", env.pem, holding: "the ES256 private key that signs access tokens",
            makeOneWith: "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"
        )
        bcryptCost = try env.int("BCRYPT_COST", default: 12, range: 4...16)
        accessTokenLifetime = TimeInterval(try env.int("ACCESS_TOKEN_TTL_SECONDS", default: 900, range: 60...3600))
        refreshTokenLifetime = TimeInterval(
            try env.int("REFRESH_TOKEN_TTL_SECONDS", default: 30 * 24 * 3600, range: 3600...(365 * 24 * 3600))
        )
        loginThrottle = LoginThrottlePolicy(
            maxFailuresPerEmail: try env.int("LOGIN_MAX_FAILURES_PER_EMAIL", default: 10, range: 1...10_000),
            maxFailuresPerAddress: try env.int("LOGIN_MAX_FAILURES_PER_ADDRESS", default: 100, range: 1...100_000),
            window: TimeInterval(try env.int("LOGIN_FAILURE_WINDOW_SECONDS", default: 900, range: 1...86_400))
        )
        communityFeedHost = env.string("COMMUNITY_FEED_HOST", default: URL(string: service.publicBaseURL)?.host ?? "localhost")
    }
}
