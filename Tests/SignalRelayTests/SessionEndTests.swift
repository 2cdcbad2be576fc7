import APIShapes
import AccountsStore
import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import MQTTWire
import Models
import NIOCore
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

@testable import SignalRelay

@Suite("Signal relay: MQTT emitters and sessions that end", .timeLimit(.minutes(5)), .serialized)
struct SessionEndTests {
    let flows = RelayFlowTests()

    @Test("an author's device publishes zlib-compressed JSON as 0.4 bots do; followers get the plain envelope; anyone else's publish closes their connection")
    func mqttEmitter() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let authorDevice = Device(id: UUID(), userId: world.author.id, name: "author bot", createdAt: Date())
        try await harness.database.withClient { client in try await PostgresDeviceRepository(client: client, logger: RelayHarness.logger).create(authorDevice) }
        let mqttPort = BoundPort()
        try await harness.relay(mqttPort: mqttPort).test(.live) { relay in
            let port = try await flows.port(mqttPort)
            var follower = WSFollower.connect(port: try #require(relay.port), token: world.follower.token)
            defer { follower.close() }
            follower.subscribe(world.strategyId)
            _ = try await follower.next()

            let envelope = "{\"t\":\"t\",\"v\":\"1.0.0\",\"u\":\"zlib-1\",\"s\":\(String(decoding: RelayFlowTests.bundle(world.strategyId, orderId: "z"), as: UTF8.self))}"
            var plain = ByteBuffer(string: envelope)
            let compressed = try plain.compress(with: .zlib())
            let emitter = try await MQTTTestClient.connect(port: port)
            try await emitter.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await outbound.write(MQTTTestClient.connectPacket(username: authorDevice.id.uuidString))
                _ = try await packets.next()
                try await outbound.write(.publish(.init(topic: "t/\(world.strategyId)", qos: 1, retain: false, duplicate: false, packetId: 3, payload: Array(compressed.readableBytesView))))
                #expect(try await packets.next() == .puback(packetId: 3))
            }
            let record = try #require(try await follower.signals(1).first)
            #expect(record.envelope.u == "zlib-1")

            let intruder = try await MQTTTestClient.connect(port: port)
            try await intruder.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await outbound.write(MQTTTestClient.connectPacket(username: world.strangerDevice.uuidString))
                _ = try await packets.next()
                try await outbound.write(.publish(.init(topic: "t/\(world.strategyId)", qos: 1, retain: false, duplicate: false, packetId: 4, payload: Array(envelope.utf8))))
                #expect(try await packets.next() == nil, "closed, nothing acknowledged")
            }
            #expect(try await harness.database.count("SELECT count(*)::int FROM signal_records") == 1)
        }
    }

    @Test("revoking a follow key ends its WebSocket subscriptions; deleting a device closes its MQTT connection")
    func revocations() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let followKey = SecretToken.generate(prefix: APIKeyFormat.prefix)
        let keyId = UUID()
        try await harness.database.withClient { client in
            try await PostgresAPIKeyRepository(client: client, logger: RelayHarness.logger).create(
                APIKey(id: keyId, userId: world.follower.id, name: "follow", prefix: "ak_xxxxxx", scopes: [.signalsFollow], strategyIds: [], createdAt: Date()),
                secretHash: followKey.hash
            )
        }
        let mqttPort = BoundPort()
        try await harness.relay(mqttPort: mqttPort).test(.live) { relay in
            var byKey = WSFollower.connect(port: try #require(relay.port), token: followKey.value)
            defer { byKey.close() }
            byKey.subscribe(world.strategyId)
            #expect(try await byKey.next()?.type == "subscribed")
            let mqtt = try await MQTTTestClient.connect(port: try await flows.port(mqttPort))
            try await mqtt.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await MQTTTestClient.follow(world.strategyId, as: world.followerDevice.uuidString, packets: &packets, outbound: outbound)
                let (revoked, deleted) = try await harness.database.withClient { client in
                    (
                        try await PostgresAPIKeyRepository(client: client, logger: RelayHarness.logger).revoke(id: keyId, userId: world.follower.id, at: Date()),
                        try await PostgresDeviceRepository(client: client, logger: RelayHarness.logger).delete(id: world.followerDevice, userId: world.follower.id, at: Date())
                    )
                }
                #expect(revoked && deleted)
                #expect(try await byKey.next()?.type == "unsubscribed")
                #expect(try await packets.next() == nil)
            }
            // The deleted device cannot come back.
            let again = try await MQTTTestClient.connect(port: try await flows.port(mqttPort))
            try await again.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await outbound.write(MQTTTestClient.connectPacket(username: world.followerDevice.uuidString))
                #expect(try await packets.next() == .connack(sessionPresent: false, returnCode: 0x05))
            }
        }
    }
}
