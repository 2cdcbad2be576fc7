import EventBus
import Foundation
import Logging
import Messaging
import Models
import PostgresNIO
import TestSupport
import Testing

@Suite("Consumers: crashes, poison messages, idle connections", .timeLimit(.minutes(3)))
struct ConsumerReliabilityTests {
    @Test("a consumer that dies holding unacked deliveries: they are redelivered and applied once")
    func deadConsumer() async throws {
        let total = 100
        let database = try await TestDatabase.create()
        try await MessagingFixtures.createEffects(database)
        let key = TestBroker.uniqueName("test.dead-consumer")
        let logger = MessagingFixtures.logger
        let configuration = try MessagingFixtures.configuration()
        let topology = Topology.workQueue(key, routingKeys: [key])

        let publisher = AMQPConnection(name: "publisher", configuration: configuration, topology: topology, logger: logger)
        publisher.start()
        let results = await publisher.publish(try (0..<total).map { try MessagingFixtures.ping($0, routingKey: key) })
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })

        try await database.withClient { client in
            // The first consumer applies 30 messages (committing their inbox claims) and dies
            // before acking them, holding 20 more it never started on.
            let doomed = AMQPConnection(name: "doomed", configuration: configuration, topology: topology, logger: logger)
            doomed.start()
            var held = 0
            for await delivery in doomed.consume(queue: key, prefetch: 50) {
                if held < 30 {
                    let envelope = try EventEnvelope(bytes: delivery.body)
                    try await client.withTransaction(logger: logger) { connection in
                        _ = try await Inbox.claim(consumer: key, messageId: try #require(delivery.messageId), on: connection, logger: logger)
                        try await MessagingFixtures.recordEffect(envelope, connection)
                    }
                }
                held += 1
                if held == 50 { break }
            }
            await doomed.shutdown()
            #expect(try await database.count("SELECT count(*)::int FROM effects") == 30)

            let survivor = AMQPConnection(name: "survivor", configuration: configuration, topology: topology, logger: logger)
            let consumer = EventConsumer(queue: key, broker: survivor, database: client, logger: logger, handler: MessagingFixtures.recordEffect)
            try await withServices([survivor, consumer], logger: logger) {
                try await eventually("all messages to be applied") {
                    try await database.count("SELECT count(*)::int FROM inbox") == total
                }
            }
        }
        #expect(try await database.count("SELECT count(*)::int FROM effects") == total)
        #expect(try await database.count("SELECT count(DISTINCT n)::int FROM effects") == total)
        await publisher.shutdown()
    }

    @Test("a handler that always fails: the message ends in the .dlq, the others keep flowing")
    func poisonMessage() async throws {
        let database = try await TestDatabase.create()
        try await MessagingFixtures.createEffects(database)
        let key = TestBroker.uniqueName("test.poison-handler")
        let logger = MessagingFixtures.logger
        let configuration = try MessagingFixtures.configuration()
        let topology = Topology.workQueue(key, routingKeys: [key], deliveryLimit: 3)
        let connection = AMQPConnection(name: "poison", configuration: configuration, topology: topology, logger: logger)
        connection.start()
        let poison = try MessagingFixtures.ping(-1, routingKey: key)
        let good = try (0..<20).map { try MessagingFixtures.ping($0, routingKey: key) }
        _ = await connection.publish([poison] + good)

        struct Refused: Error {}
        try await database.withClient { client in
            let consumer = EventConsumer(queue: key, prefetch: 5, broker: connection, database: client, logger: logger) { envelope, transaction in
                if try envelope.payload(as: TestPing.self).n < 0 { throw Refused() }
                try await MessagingFixtures.recordEffect(envelope, transaction)
            }
            try await withServices([consumer], logger: logger) {
                try await eventually("the good messages to be applied") {
                    try await database.count("SELECT count(*)::int FROM effects") == 20
                }
                var deadLetters = connection.consume(queue: "\(key).dlq").makeAsyncIterator()
                let dead = try #require(await deadLetters.next())
                #expect(dead.messageId == poison.messageId)
                dead.ack()
            }
        }
        // The failed attempts rolled back: the poison message left no inbox claim behind.
        #expect(try await database.count("SELECT count(*)::int FROM inbox WHERE message_id = \(poison.messageId)") == 0)
        await connection.shutdown()
    }

    @Test("unreadable messages go straight to the .dlq")
    func unreadable() async throws {
        let database = try await TestDatabase.create()
        let key = TestBroker.uniqueName("test.unreadable")
        let logger = MessagingFixtures.logger
        let connection = AMQPConnection(
            name: "unreadable", configuration: try MessagingFixtures.configuration(),
            topology: .workQueue(key, routingKeys: [key]), logger: logger
        )
        connection.start()
        try await connection.publish(OutgoingMessage(exchange: ExchangeNames.events, routingKey: key, body: Array("{not json".utf8)))
        try await database.withClient { client in
            let consumer = EventConsumer(queue: key, broker: connection, database: client, logger: logger, handler: MessagingFixtures.recordEffect)
            try await withServices([consumer], logger: logger) {
                var deadLetters = connection.consume(queue: "\(key).dlq").makeAsyncIterator()
                let dead = try #require(await deadLetters.next())
                #expect(dead.body == Array("{not json".utf8))
                dead.ack()
            }
        }
        await connection.shutdown()
    }

    @Test("an idle publisher and consumer survive several heartbeat intervals")
    func idleHeartbeats() async throws {
        let key = TestBroker.uniqueName("test.idle")
        let configuration = try MessagingFixtures.configuration(heartbeat: .seconds(1))
        let connection = AMQPConnection(
            name: "idle", configuration: configuration, topology: .workQueue(key, routingKeys: [key]),
            logger: MessagingFixtures.logger
        )
        connection.start()
        let consumer = connection.consume(queue: key)
        try await connection.publish(try MessagingFixtures.ping(0, routingKey: key))
        var deliveries = consumer.makeAsyncIterator()
        let first = try #require(await deliveries.next())
        first.ack()

        // The broker drops a connection after two missed heartbeats (2 s here); stay idle for 4.
        try await Task.sleep(for: .seconds(4))

        try await connection.publish(try MessagingFixtures.ping(1, routingKey: key))
        let later = try #require(await deliveries.next())
        later.ack()
        #expect(connection.isConnected)
        #expect(connection.reconnectCount == 0, "the connection was never dropped")
        await consumer.cancel()
        await connection.shutdown()
    }
}

@Suite("Outbox relay", .timeLimit(.minutes(3)))
struct OutboxRelayTests {
    @Test("an event nobody subscribes to is marked sent, not retried forever")
    func unsubscribedEvent() async throws {
        let database = try await TestDatabase.create()
        let logger = MessagingFixtures.logger
        let connection = AMQPConnection(name: "lonely", configuration: try MessagingFixtures.configuration(), topology: .astrolab, logger: logger)
        connection.start()
        try await database.withClient { client in
            try await client.withTransaction(logger: logger) { transaction in
                try await Outbox.enqueue(
                    try MessagingFixtures.outboxPing(1, routingKey: TestBroker.uniqueName("nobody.listens")), on: transaction, logger: logger
                )
            }
            let relay = OutboxRelay(database: client, broker: connection, logger: logger)
            #expect(try await relay.relayBatch() == 1)
        }
        #expect(try await database.count("SELECT count(*)::int FROM outbox WHERE sent_at IS NULL") == 0)
        await connection.shutdown()
    }
}
