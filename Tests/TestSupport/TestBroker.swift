import Foundation

/// A throw-away RabbitMQ that `./deploy/test` starts, and control over its node. `shared` serves
/// most tests; `outage` is only for tests that stop and restart the broker.
public struct TestBroker: Sendable {
    public struct NotConfigured: Error, CustomStringConvertible {
        public let description: String
    }

    public struct CommandFailed: Error, CustomStringConvertible {
        public let description: String
    }

    let urlVariable: String
    let nodeVariable: String

    public static let shared = TestBroker(urlVariable: "ASTROLAB_TEST_AMQP_URL", nodeVariable: "ASTROLAB_TEST_RABBITMQ_NODE")
    public static let outage = TestBroker(urlVariable: "ASTROLAB_TEST_OUTAGE_AMQP_URL", nodeVariable: "ASTROLAB_TEST_OUTAGE_RABBITMQ_NODE")

    /// The shared broker's URL.
    public static func url() throws -> String {
        try shared.url()
    }

    public func url() throws -> String {
        try variable(urlVariable)
    }

    /// The URL of a new virtual host of its own on the shared broker: a test that runs a whole
    /// service (whose work queues have fixed names) gets its events without other tests taking them.
    public static func isolatedURL() async throws -> String {
        let virtualHost = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await shared.rabbitmqctl("add_vhost", virtualHost)
        try await shared.rabbitmqctl("set_permissions", "-p", virtualHost, "guest", ".*", ".*", ".*")
        guard var components = URLComponents(string: try url()) else {
            throw NotConfigured(description: "ASTROLAB_TEST_AMQP_URL is not a URL")
        }
        components.percentEncodedPath = "/" + virtualHost
        return components.string ?? ""
    }

    /// A name no other test uses, for queues and routing keys.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Stops the RabbitMQ application (connections drop, the port closes), keeping its data.
    public func stop() async throws {
        try await rabbitmqctl("stop_app")
    }

    /// Starts it again and waits until it accepts work.
    public func start() async throws {
        try await rabbitmqctl("start_app")
        try await rabbitmqctl("await_startup")
    }

    /// Runs `rabbitmqctl` against this node and returns its output. The wait happens on a thread
    /// of its own, never on Swift's cooperative pool.
    @discardableResult
    public func rabbitmqctl(_ arguments: String...) async throws -> String {
        let node = try variable(nodeVariable)
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Self.run(node: node, arguments) })
            }.start()
        }
    }

    private static func run(node: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/lib/rabbitmq/bin/rabbitmqctl")
        process.arguments = ["-q", "-n", node] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "rabbitmqctl \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    private func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name] else {
            throw NotConfigured(description: "\(name) is not set: run the tests with ./deploy/test, which starts RabbitMQ for them")
        }
        return value
    }
}
