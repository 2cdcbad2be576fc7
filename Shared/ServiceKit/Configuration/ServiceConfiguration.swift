import Foundation
import Logging
import Rules

/// The settings every service reads from its environment. Defaults suit a local run;
/// the README's configuration table documents each variable.
public struct ServiceConfiguration: Sendable {
    public var databaseURL: String
    public var amqpURL: String
    public var httpHost: String
    public var httpPort: Int
    public var logLevel: Logger.Level
    /// The origin users reach the edge at; used to build absolute URLs (download links).
    public var publicBaseURL: String
    public var jwtIssuer: String
    public var jwtAudience: String
    /// How this service learns the key that verifies access tokens.
    public var accessTokenKeys: AccessTokenKeySource
    /// Peers whose `X-Real-IP` header is believed (the edge); anyone else is their own address.
    public var trustedProxies: Set<String>
    /// The community API's public ("anon") key: what a stock OctoBot is given as
    /// `COMMUNITY_BACKEND_KEY`. Public by design (users copy it into their bot's settings); it
    /// names the installation, it grants nothing.
    public var communityPublicKey: String
    /// How long an API key lookup may wait for the database before the request gets 503.
    public var credentialLookupTimeout: Duration

    public init(environment env: EnvironmentReader = EnvironmentReader(), defaultPort: Int) throws {
        databaseURL = env.string("DATABASE_URL", default: "postgres://postgres@127.0.0.1:5432/astrolab")
        amqpURL = env.string("AMQP_URL", default: "amqp://guest:guest@127.0.0.1:5672/%2f")
        httpHost = env.string("HTTP_HOST", default: "127.0.0.1")
        httpPort = try env.int("HTTP_PORT", default: defaultPort, range: 0...65535)
        let level = env.string("LOG_LEVEL", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw EnvironmentReader.Invalid(description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        publicBaseURL = env.string("PUBLIC_BASE_URL", default: "http://localhost:8080")
        jwtIssuer = env.string("JWT_ISSUER", default: "astrolab")
        jwtAudience = env.string("JWT_AUDIENCE", default: "astrolab")
        if let pem = try env.pem("JWT_PUBLIC_KEY") {
            accessTokenKeys = .publicKeyPEM(pem)
        } else {
            let jwks = env.string("JWKS_URL", default: "http://127.0.0.1:8081/.well-known/jwks.json")
            guard let url = URL(string: jwks), url.scheme == "http" || url.scheme == "https" else {
                throw EnvironmentReader.Invalid(description: "JWKS_URL must be an http(s) URL, got '\(jwks)'")
            }
            accessTokenKeys = .jwks(url)
        }
        communityPublicKey = env.string("COMMUNITY_PUBLIC_KEY", default: "astrolab-community")
        guard !communityPublicKey.isEmpty, communityPublicKey.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw EnvironmentReader.Invalid(description: "COMMUNITY_PUBLIC_KEY must be printable ASCII without spaces")
        }
        trustedProxies = Set(
            env.string("TRUSTED_PROXIES", default: "127.0.0.1,::1")
                .split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
        )
        credentialLookupTimeout = .milliseconds(try env.int("CREDENTIAL_LOOKUP_TIMEOUT_MS", default: 1000, range: 50...60_000))
    }
}

/// Where access-token verification keys come from.
public enum AccessTokenKeySource: Sendable {
    /// A PEM public key (ES256), configured directly.
    case publicKeyPEM(String)
    /// The accounts service's JWKS document, fetched and cached.
    case jwks(URL)
}
