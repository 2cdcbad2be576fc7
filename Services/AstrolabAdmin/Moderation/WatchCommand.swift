import ArgumentParser
import EventBus
import Foundation
import Logging
import Messaging

/// `astrolab-admin moderation watch`: prints every moderation event from the durable queue
/// `admin.moderation`, acking each once printed, so events that happened while nobody watched
/// are shown the next time, once.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print moderation events as they happen (and those missed since the last watch)."
    )

    @Option(help: "RabbitMQ URL (default: $AMQP_URL, else amqp://guest:guest@127.0.0.1:5672/%2f).")
    var amqpURL: String?

    @Flag(help: "Print each event's JSON envelope, one per line.")
    var json = false

    @Option(help: "Exit after this many seconds without an event (default: watch until interrupted).")
    var idleExit: Int?

    func run() async throws {
        let url = amqpURL ?? ProcessInfo.processInfo.environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/%2f"
        var logger = Logger(label: "astrolab-admin")
        logger.logLevel = .warning
        let connection = AMQPConnection(name: "astrolab-admin", configuration: try AMQPConfiguration(url: url), topology: .astrolab, logger: logger)
        connection.start()
        let watcher = ModerationWatcher(connection: connection, format: json ? .json : .text, idleExit: idleExit.map { .seconds($0) })
        await watcher.run { line in
            // Written straight to the descriptor: lines appear at once even when piped.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        await connection.shutdown()
    }
}

/// Consumes `admin.moderation` and hands one line per event to `output`, acking after it.
struct ModerationWatcher: Sendable {
    enum Format: Sendable {
        case text
        case json
    }

    let connection: AMQPConnection
    let format: Format
    /// Stop once no event arrived for this long; nil watches until the task is cancelled.
    let idleExit: Duration?

    /// Returns how many events were printed.
    @discardableResult
    func run(output: @escaping @Sendable (String) -> Void) async -> Int {
        let consumer = connection.consume(queue: WorkQueues.adminModeration, prefetch: 64)
        let lastActivity = LastActivity()
        return await withTaskGroup(of: Int?.self) { group in
            if let idleExit {
                group.addTask {
                    while await lastActivity.idle(longerThan: idleExit) == false {
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                    await consumer.cancel()
                    return nil
                }
            }
            group.addTask {
                var printed = 0
                for await delivery in consumer {
                    output(ModerationEventLine.render(delivery.body, format: format))
                    delivery.ack()
                    printed += 1
                    await lastActivity.touch()
                }
                return printed
            }
            var printed = 0
            for await result in group {
                if let result { printed = result }
            }
            return printed
        }
    }
}

/// When the watcher last saw an event.
actor LastActivity {
    private var last = ContinuousClock.now

    func touch() {
        last = .now
    }

    func idle(longerThan limit: Duration) -> Bool {
        ContinuousClock.now - last >= limit
    }
}
