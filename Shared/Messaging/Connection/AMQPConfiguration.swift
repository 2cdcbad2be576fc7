import Foundation

/// Where and how to reach RabbitMQ, parsed from an `amqp://` or `amqps://` URL.
public struct AMQPConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var virtualHost: String
    public var user: String
    public var password: String
    public var useTLS: Bool
    /// CA bundle for `amqps://` (query `cacertfile=`); peer and host name are always verified.
    public var caCertificatePath: String?
    /// The broker drops a connection that misses two heartbeats; 0 turns them off.
    public var heartbeat: Duration
    public var connectTimeout: Duration
    /// How long a publish may wait for its confirm (including while reconnecting).
    public var publishTimeout: Duration
    /// Reconnect backoff: doubling from `min` up to `max`, with full jitter.
    public var reconnectBackoff: ClosedRange<Duration>

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(url string: String) throws {
        guard let url = URLComponents(string: string), let scheme = url.scheme, ["amqp", "amqps"].contains(scheme) else {
            throw Invalid(description: "AMQP_URL must look like amqp://user:password@host:5672/vhost, got '\(string)'")
        }
        guard let host = url.host, !host.isEmpty else { throw Invalid(description: "AMQP_URL has no host") }
        self.host = host
        useTLS = scheme == "amqps"
        port = url.port ?? (useTLS ? 5671 : 5672)
        user = url.user.flatMap { $0.removingPercentEncoding } ?? "guest"
        password = url.password.flatMap { $0.removingPercentEncoding } ?? "guest"
        // AMQP URI spec: the path is the vhost, percent-encoded; an empty path means "/".
        let path = url.percentEncodedPath.hasPrefix("/") ? String(url.percentEncodedPath.dropFirst()) : url.percentEncodedPath
        virtualHost = path.isEmpty ? "/" : (path.removingPercentEncoding ?? path)
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        caCertificatePath = query["cacertfile"]
        heartbeat = .seconds(Int(query["heartbeat"] ?? "") ?? 10)
        connectTimeout = .seconds(Int(query["connection_timeout"] ?? "") ?? 5)
        publishTimeout = .seconds(10)
        reconnectBackoff = .milliseconds(100)...(.seconds(10))
    }

    /// For logs: the URL without its password.
    public var redacted: String {
        "\(useTLS ? "amqps" : "amqp")://\(user)@\(host):\(port)/\(virtualHost == "/" ? "%2f" : virtualHost)"
    }
}
