import EventBus
import Foundation
import Logging
import Messaging
import TestSupport
import Testing

/// Publishing, confirms and consuming against the real broker.
@Suite("AMQP connection", .timeLimit(.minutes(3)))
struct ConnectionTests {
    static func configuration(heartbeat: Duration = .seconds(10)) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: try TestBroker.url())
        configuration.heartbeat = heartbeat
        configuration.reconnectBackoff = .milliseconds(50)...(.milliseconds(500))
        return configuration
    }

    static let logger: Logger = {
        var logger = Logger(label: "messaging-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A started connection with a work queue bound to its own routing key.
    static func connection(queue: String, routingKey: String, deliveryLimit: Int = 3) throws -> AMQPConnection {
        let connection = AMQPConnection(
            name: queue, configuration: try configuration(),
            topology: .workQueue(queue, routingKeys: [routingKey], deliveryLimit: deliveryLimit), logger: logger
        )
        connection.start()
        return connection
    }

    static func message(_ key: String, _ text: String, id: String = UUID().uuidString) -> OutgoingMessage {
        OutgoingMessage(exchange: Topology.eventsExchange, routingKey: key, body: Array(text.utf8), messageId: id, type: "test")
    }

    @Test("a published message is confirmed, consumed, and acked")
    func roundTrip() async throws {
        let queue = TestBroker.uniqueName("test.roundtrip")
        let connection = try Self.connection(queue: queue, routingKey: queue)
        try await connection.publish(Self.message(queue, "hello", id: "m-1"))
        let consumer = connection.consume(queue: queue, prefetch: 10)
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(await iterator.next())
        #expect(String(decoding: delivery.body, as: UTF8.self) == "hello")
        #expect(delivery.messageId == "m-1")
        #expect(delivery.type == "test")
        #expect(delivery.routingKey == queue)
        delivery.ack()
        await consumer.cancel()
        await connection.shutdown()
    }

    @Test("an unroutable mandatory message is an error, not a silent loss")
    func unroutable() async throws {
        let connection = AMQPConnection(name: "unroutable", configuration: try Self.configuration(), topology: .astrolab, logger: Self.logger)
        connection.start()
        await #expect(throws: AMQPError.unroutable(exchange: Topology.eventsExchange, routingKey: "nobody.listens.here")) {
            try await connection.publish(Self.message("nobody.listens.here", "lost?"))
        }
        // The channel is still usable afterwards.
        let queue = TestBroker.uniqueName("test.after-return")
        try await connection.declare(.workQueue(queue, routingKeys: [queue]))
        try await connection.publish(Self.message(queue, "fine"))
        await connection.shutdown()
    }

    @Test("thousands of publishes in flight at once are all confirmed")
    func pipelined() async throws {
        let queue = TestBroker.uniqueName("test.pipelined")
        let connection = try Self.connection(queue: queue, routingKey: queue)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<2_000 {
                group.addTask { try await connection.publish(Self.message(queue, "\(index)")) }
            }
            try await group.waitForAll()
        }
        var received = Set<String>()
        let consumer = connection.consume(queue: queue, prefetch: 500)
        for await delivery in consumer {
            received.insert(String(decoding: delivery.body, as: UTF8.self))
            delivery.ack()
            if received.count == 2_000 { break }
        }
        #expect(received == Set((0..<2_000).map(String.init)))
        await consumer.cancel()
        await connection.shutdown()
    }

    @Test("a nacked delivery is redelivered; one nacked past the delivery limit lands in the .dlq")
    func deadLettering() async throws {
        let queue = TestBroker.uniqueName("test.poison")
        let connection = try Self.connection(queue: queue, routingKey: queue, deliveryLimit: 2)
        try await connection.publish(Self.message(queue, "poison", id: "poison"))
        try await connection.publish(Self.message(queue, "good", id: "good"))
        let consumer = connection.consume(queue: queue, prefetch: 1)
        var poisonAttempts = 0
        var good = 0
        for await delivery in consumer {
            if delivery.messageId == "poison" {
                poisonAttempts += 1
                delivery.nack(requeue: true)
            } else {
                good += 1
                delivery.ack()
            }
            // The good message got through while the poison one looped, and the poison one
            // has had its tries (the first delivery plus the limit).
            if good == 1, poisonAttempts == 3 { break }
        }
        await consumer.cancel()
        let dlq = connection.consume(queue: "\(queue).dlq", prefetch: 1)
        var dead = dlq.makeAsyncIterator()
        let deadLettered = try #require(await dead.next())
        #expect(deadLettered.messageId == "poison")
        deadLettered.ack()
        await dlq.cancel()
        await connection.shutdown()
    }

    @Test("connection threads are released on shutdown, start after start")
    func threadLifecycle() async throws {
        for round in 0..<10 {
            let connection = AMQPConnection(name: "lifecycle-\(round)", configuration: try Self.configuration(), topology: .astrolab, logger: Self.logger)
            connection.start()
            let queue = TestBroker.uniqueName("test.lifecycle")
            try await connection.declare(.workQueue(queue, routingKeys: [queue]))
            try await connection.publish(Self.message(queue, "x"))
            #expect(!connection.hasExited)
            await connection.shutdown()
            #expect(connection.hasExited, "shutdown returns only after the thread ended")
        }
        // After shutdown nothing hangs: calls fail at once.
        let closed = AMQPConnection(name: "closed", configuration: try Self.configuration(), topology: .astrolab, logger: Self.logger)
        closed.start()
        await closed.shutdown()
        await #expect(throws: AMQPError.shutDown) {
            try await closed.publish(Self.message("any", "x"))
        }
    }
}

@Suite("Topology", .timeLimit(.minutes(3)))
struct TopologyTests {
    @Test("an exclusive per-instance queue receives what its bindings select on the signals exchange")
    func exclusiveFanOut() async throws {
        let strategy = "s\(UUID().uuidString.prefix(8).lowercased())"
        let queue = TestBroker.uniqueName("test.relay-instance")
        let connection = AMQPConnection(
            name: queue, configuration: try ConnectionTests.configuration(),
            topology: .exclusiveQueue(queue, exchange: Topology.signalsExchange, routingKeys: [strategy]),
            logger: ConnectionTests.logger
        )
        connection.start()
        let consumer = connection.consume(queue: queue)
        try await connection.publish(OutgoingMessage(exchange: Topology.signalsExchange, routingKey: strategy, body: Array("record".utf8)))
        // Another strategy's record has no queue bound: mandatory makes that visible.
        await #expect(throws: AMQPError.self) {
            try await connection.publish(OutgoingMessage(exchange: Topology.signalsExchange, routingKey: "\(strategy)x", body: []))
        }
        var deliveries = consumer.makeAsyncIterator()
        let delivery = try #require(await deliveries.next())
        #expect(delivery.routingKey == strategy)
        delivery.ack()
        await consumer.cancel()
        await connection.shutdown()
    }

    @Test("merging topologies keeps one copy of what they share")
    func merge() {
        let merged = Topology.workQueue("a.b", routingKeys: ["x"]).merged(with: .workQueue("c.d", routingKeys: ["x"]))
        #expect(merged.exchanges == Topology.astrolab.exchanges)
        #expect(merged.queues.map(\.name) == ["a.b", "a.b.dlq", "c.d", "c.d.dlq"])
        #expect(merged.bindings.count == 4)
    }
}
