import Foundation

/// The throw-away RabbitMQ that `./deploy/test` starts, and control over its node.
public enum TestBroker {
    public struct NotConfigured: Error, CustomStringConvertible {
        public let description =
            "ASTROLAB_TEST_AMQP_URL / ASTROLAB_TEST_RABBITMQ_NODE are not set: run the tests with ./deploy/test, which starts RabbitMQ for them"
    }

    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ASTROLAB_TEST_AMQP_URL"] else { throw NotConfigured() }
        return url
    }

    /// A name no other test uses, for queues and routing keys.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Stops the RabbitMQ application (connections drop, the port closes), keeping its data.
    public static func stop() throws {
        try rabbitmqctl("stop_app")
    }

    /// Starts it again and waits until it accepts work.
    public static func start() throws {
        try rabbitmqctl("start_app")
        try rabbitmqctl("await_startup")
    }

    /// Runs `rabbitmqctl` against the test node and returns its output.
    @discardableResult
    public static func rabbitmqctl(_ arguments: String...) throws -> String {
        guard let node = ProcessInfo.processInfo.environment["ASTROLAB_TEST_RABBITMQ_NODE"] else { throw NotConfigured() }
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

    public struct CommandFailed: Error, CustomStringConvertible {
        public let description: String
    }
}
