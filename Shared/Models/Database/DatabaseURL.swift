import Foundation
import PostgresNIO

/// Turns a `postgres://user:password@host:port/database?sslmode=...` URL into a client configuration.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func configuration(from urlString: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: urlString),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw Invalid(description: "DATABASE_URL has no host")
        }
        let username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? nil : path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"

        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable":
            tls = .disable
        case "prefer", "allow":
            tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full":
            tls = .require(.makeClientConfiguration())
        default:
            throw Invalid(description: "DATABASE_URL has an unknown sslmode '\(sslMode)'")
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = 20
        return configuration
    }
}
