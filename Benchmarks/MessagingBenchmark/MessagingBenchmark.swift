import ArgumentParser
import EventBus
import Foundation
import Histogram
import Logging
import Messaging
import Models
import PostgresNIO
import Schema
import ServiceLifecycle
import Synchronization

/// `messaging-benchmark`: confirmed publishes per second at several pipeline depths, and
/// end-to-end latency from an outbox commit to a consumer's committed effect.
@main
struct MessagingBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messaging-benchmark",
        abstract: "Measure publisher-confirm throughput and outbox-to-consumer latency against a local broker."
    )

    @Option(help: "RabbitMQ URL.")
    var amqpURL = ProcessInfo.processInfo.environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/%2f"

    @Option(help: "PostgreSQL server URL; a scratch database is created on it for the latency run.")
    var databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres"

    @Option(help: "Messages per throughput run.")
    var messages = 20_000

    @Option(help: "Events per second in the latency run.")
    var rate = 200

    @Option(help: "Seconds the latency run lasts.")
    var seconds = 15

    func run() async throws {
        var logger = Logger(label: "benchmark")
        logger.logLevel = .warning
        let configuration = try AMQPConfiguration(url: amqpURL)
        let queue = "benchmark.\(UUID().uuidString.prefix(8).lowercased())"
        let topology = Topology.workQueue(queue, routingKeys: [queue])

        print("confirmed publishes per second (\(messages) messages of 300 bytes, persistent, to a quorum queue)")
        for inFlight in [1, 16, 64, 256] {
            let rate = try await publishThroughput(inFlight: inFlight, configuration: configuration, topology: topology, queue: queue, logger: logger)
            print("  \(String(inFlight).padding(toLength: 4, withPad: " ", startingAt: 0)) in flight: \(Int(rate)) msg/s")
        }

        let latencies = try await outboxLatency(configuration: configuration, logger: logger)
        print("outbox commit -> consumer commit latency at \(rate) events/s for \(seconds) s (\(latencies.totalCount) events):")
        print("  p50 \(format(latencies.valueAtPercentile(50)))  p99 \(format(latencies.valueAtPercentile(99)))  max \(format(latencies.max))")
    }

    /// `inFlight` workers each publish and await their confirm in a loop.
    func publishThroughput(inFlight: Int, configuration: AMQPConfiguration, topology: Topology, queue: String, logger: Logger) async throws -> Double {
        let connection = AMQPConnection(name: "benchmark-publisher", configuration: configuration, topology: topology, logger: logger)
        connection.start()
        let body = Array(repeating: UInt8(ascii: "x"), count: 300)
        try await connection.publish(OutgoingMessage(exchange: ExchangeNames.events, routingKey: queue, body: body))
        let perWorker = messages / inFlight
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<inFlight {
                    group.addTask {
                        for _ in 0..<perWorker {
                            try await connection.publish(OutgoingMessage(exchange: ExchangeNames.events, routingKey: queue, body: body))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        await connection.shutdown()
        // Empty the queue so the next run starts clean.
        let drain = AMQPConnection(name: "benchmark-drain", configuration: configuration, topology: topology, logger: logger)
        drain.start()
        var drained = 0
        for await delivery in drain.consume(queue: queue, prefetch: 1000) {
            delivery.ack()
            drained += 1
            if drained == perWorker * inFlight + 1 { break }
        }
        await drain.shutdown()
        return Double(perWorker * inFlight) / elapsed.seconds
    }

    struct Stamp: DomainEvent {
        static let type = "benchmark.stamp"
        let sentAt: Double
    }

    /// Writes events to the outbox at a steady rate (one transaction each) and measures until a
    /// consumer has committed each one's effect, through the relay, the broker and the inbox.
    func outboxLatency(configuration: AMQPConfiguration, logger: Logger) async throws -> Histogram<UInt64> {
        let scratch = "benchmark_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try DatabaseURL.configuration(from: databaseURL)
        try await withPostgresClient(server, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(scratch)"), logger: logger)
        }
        var database = server
        database.database = scratch
        let queue = "benchmark.latency.\(UUID().uuidString.prefix(8).lowercased())"
        let topology = Topology.workQueue(queue, routingKeys: [queue])
        let latencies = LatencyLog()
        let total = rate * seconds

        try await withPostgresClient(database, logger: logger) { client in
            try await Migrator(logger: logger).migrate(client)
            let publisher = AMQPConnection(name: "benchmark-relay", configuration: configuration, topology: topology, logger: logger)
            let consumerConnection = AMQPConnection(name: "benchmark-consumer", configuration: configuration, topology: topology, logger: logger)
            let relay = OutboxRelay(database: client, broker: publisher, logger: logger)
            let consumer = EventConsumer(queue: queue, prefetch: 100, broker: consumerConnection, database: client, logger: logger) { envelope, _ in
                let stamp = try envelope.payload(as: Stamp.self)
                latencies.record(Date().timeIntervalSince1970 - stamp.sentAt)
            }
            let group = ServiceGroup(configuration: .init(services: [publisher, consumerConnection, relay, consumer], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await consumerConnection.declare(topology)
                let interval = Duration.seconds(1) / rate
                let start = ContinuousClock.now
                for n in 0..<total {
                    try await Task.sleep(until: start + interval * n, clock: .continuous)
                    let id = UUID()
                    let envelope = try EventEnvelope(Stamp(sentAt: Date().timeIntervalSince1970), id: id, occurredAt: Date())
                    let message = OutboxMessage(
                        messageId: id.uuidString.lowercased(), exchange: ExchangeNames.events, routingKey: queue,
                        type: Stamp.type, body: envelope.bytes
                    )
                    try await client.withTransaction(logger: logger) { connection in
                        try await Outbox.enqueue(message, on: connection, logger: logger)
                    }
                }
                while latencies.count < UInt64(total) {
                    try await Task.sleep(for: .milliseconds(50))
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        try await withPostgresClient(server, logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(scratch) WITH (FORCE)"), logger: logger)
        }
        return latencies.histogram
    }

    func format(_ microseconds: UInt64) -> String {
        String(format: "%.1f ms", Double(microseconds) / 1000)
    }
}

/// Latencies recorded from the consumer's task, in microseconds (up to ten minutes).
final class LatencyLog: Sendable {
    private let storage = Mutex(Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three))

    func record(_ seconds: Double) {
        storage.withLock { _ = $0.record(UInt64(max(0, seconds) * 1_000_000)) }
    }

    var count: UInt64 { storage.withLock { $0.totalCount } }
    var histogram: Histogram<UInt64> { storage.withLock { $0 } }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

