import EventBus
import Foundation
import Logging
import Messaging
import Models
import PostgresNIO
import TestSupport
import Testing

/// Runs on the broker that only these tests stop and restart.
@Suite("Outbox to consumer through a broker outage", .serialized, .timeLimit(.minutes(6)))
struct OutageTests {
    @Test("10,000 events, two relays, the broker restarted mid-run: each applied exactly once, nothing restarted")
    func tenThousandThroughAnOutage() async throws {
        let total = 10_000
        let database = try await TestDatabase.create()
        try await MessagingFixtures.createEffects(database)
        let key = TestBroker.uniqueName("test.outage")
        let logger = MessagingFixtures.logger
        let configuration = try MessagingFixtures.configuration(.outage)
        let topology = Topology.workQueue(key, routingKeys: [key])
        let relayConnections = (0..<2).map { AMQPConnection(name: "relay-\($0)", configuration: configuration, topology: topology, logger: logger) }
        let consumerConnection = AMQPConnection(name: "consumer", configuration: configuration, topology: topology, logger: logger)

        try await database.withClient { client in
            var settings = OutboxRelay.Settings()
            settings.pollInterval = .milliseconds(200)
            let relays = relayConnections.map { OutboxRelay(database: client, broker: $0, logger: logger, settings: settings) }
            let consumer = EventConsumer(
                queue: key, prefetch: 100, broker: consumerConnection, database: client, logger: logger,
                handler: MessagingFixtures.recordEffect
            )
            func applied() async throws -> Int {
                try await database.count("SELECT count(*)::int FROM effects")
            }
            func produce(_ range: Range<Int>) async throws {
                for chunk in stride(from: range.lowerBound, to: range.upperBound, by: 250) {
                    try await client.withTransaction(logger: logger) { connection in
                        for n in chunk..<min(chunk + 250, range.upperBound) {
                            try await Outbox.enqueue(try MessagingFixtures.outboxPing(n, routingKey: key), on: connection, logger: logger)
                        }
                    }
                }
            }

            try await withServices(relayConnections + [consumerConnection] + relays + [consumer], logger: logger) {
                try await produce(0..<3_000)
                try await eventually("the first events to be applied") { try await applied() >= 1_000 }

                try await TestBroker.outage.stop()
                try await produce(3_000..<total)
                try await Task.sleep(for: .seconds(1))
                try await TestBroker.outage.start()

                try await eventually("every event to be applied") { try await applied() >= total }
                // Let any late duplicate arrive before counting; the inbox must absorb it.
                try await eventually("the outbox to drain") {
                    try await database.count("SELECT count(*)::int FROM outbox WHERE sent_at IS NULL") == 0
                }
            }
        }
        #expect(try await database.count("SELECT count(*)::int FROM effects") == total)
        #expect(try await database.count("SELECT count(DISTINCT n)::int FROM effects") == total)
        #expect(try await database.count("SELECT count(*)::int FROM inbox") == total)
        for connection in relayConnections + [consumerConnection] {
            #expect(connection.reconnectCount >= 1, "each connection came back by itself")
        }
    }

    @Test("publishes and declarations made while the broker is down complete after it returns")
    func waitsForTheBroker() async throws {
        let configuration = try MessagingFixtures.configuration(.outage)
        let connection = AMQPConnection(name: "patient", configuration: configuration, topology: .astrolab, logger: MessagingFixtures.logger)
        connection.start()
        let queue = TestBroker.uniqueName("test.patient")
        try await connection.declare(.workQueue("\(queue).warmup", routingKeys: []))

        try await TestBroker.outage.stop()
        try await eventually("the connection to notice") { !connection.isConnected }
        async let declared: Void = connection.declare(.workQueue(queue, routingKeys: [queue]))
        try await TestBroker.outage.start()
        try await declared
        // The queue exists now: a mandatory publish to it is routable and confirmed.
        try await connection.publish(try MessagingFixtures.ping(1, routingKey: queue), timeout: .seconds(30))
        #expect(connection.reconnectCount >= 1)
        await connection.shutdown()
    }
}
