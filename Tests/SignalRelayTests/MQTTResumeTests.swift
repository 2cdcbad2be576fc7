import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import MQTTWire
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import SignalRelay

/// Stock bots reconnect with a clean session: without help from the relay, whatever was sent
/// while they were away would be lost. The relay resumes a device after what it acknowledged.
@Suite("MQTT devices resume after a dropped connection", .timeLimit(.minutes(3)))
struct MQTTResumeTests {
    func emit(_ relay: some TestClientProtocol, _ world: RelayHarness.World, orderId: String) async throws -> String {
        let response = try await relay.execute(
            uri: "/v1/signals/\(world.strategyId)", method: .post,
            headers: [.authorization: "Bearer \(world.emitKey)", .contentType: "application/json"],
            body: ByteBuffer(bytes: RelayFlowTests.bundle(world.strategyId, orderId: orderId))
        )
        #expect(response.status == .accepted)
        return try response.decode(AcceptedSignalBody.self).messageId
    }

    /// Connects the follower's device and subscribes to the strategy; `body` gets the packets and the writer.
    func asDevice(
        _ world: RelayHarness.World, port: Int,
        _ body: (inout NIOAsyncChannelInboundStream<MQTTPacket>.AsyncIterator, NIOAsyncChannelOutboundWriter<MQTTPacket>) async throws -> Void
    ) async throws {
        let mqtt = try await MQTTTestClient.connect(port: port)
        try await mqtt.channel.executeThenClose { inbound, outbound in
            var packets = inbound.makeAsyncIterator()
            try await MQTTTestClient.follow(world.strategyId, as: world.followerDevice.uuidString.lowercased(), packets: &packets, outbound: outbound)
            try await body(&packets, outbound)
        }
    }

    /// The next PUBLISH's `u` and packet id.
    func nextSignal(_ packets: inout NIOAsyncChannelInboundStream<MQTTPacket>.AsyncIterator) async throws -> (u: String, packetId: UInt16) {
        guard case .publish(let publish)? = try await packets.next() else { throw NeverHappened(description: "expected a PUBLISH") }
        return (try decodeEnvelope(publish.payload).u, try #require(publish.packetId))
    }

    @Test("what the device did not acknowledge, and what was sent while it was away, comes first, in order; then live records")
    func resumesAfterWhatWasAcknowledged() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let mqttPort = BoundPort()
        try await harness.relay(["MQTT_RESUME_FLUSH_MS": "20"], mqttPort: mqttPort).test(.live) { relay in
            try await eventually("the MQTT listener is bound") { mqttPort.port != nil }
            let port = try #require(mqttPort.port)
            var away: [String] = []
            try await asDevice(world, port: port) { packets, outbound in
                let first = try await emit(relay, world, orderId: "acked")
                let received = try await nextSignal(&packets)
                #expect(received.u == first)
                try await outbound.write(.puback(packetId: received.packetId))
                try await eventually("the acknowledgement is saved") {
                    try await harness.database.count("SELECT count(*)::int FROM mqtt_resume_points WHERE acked_seq = 1") == 1
                }
                // Received, never acknowledged: the connection drops first.
                away.append(try await emit(relay, world, orderId: "unacked"))
                #expect(try await nextSignal(&packets).u == away[0])
            }
            away.append(try await emit(relay, world, orderId: "while away"))

            try await asDevice(world, port: port) { packets, outbound in
                for expected in away {
                    let resent = try await nextSignal(&packets)
                    #expect(resent.u == expected)
                    try await outbound.write(.puback(packetId: resent.packetId))
                }
                let live = try await emit(relay, world, orderId: "live")
                #expect(try await nextSignal(&packets).u == live)
            }
        }
    }

    @Test("records older than the resume window are not replayed: the device goes live")
    func staleRecordsAreSkipped() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let mqttPort = BoundPort()
        try await harness.relay(["MQTT_RESUME_FLUSH_MS": "20", "MQTT_RESUME_WINDOW_SECONDS": "0"], mqttPort: mqttPort).test(.live) { relay in
            try await eventually("the MQTT listener is bound") { mqttPort.port != nil }
            let port = try #require(mqttPort.port)
            try await asDevice(world, port: port) { _, _ in
                try await eventually("the starting point is saved") {
                    try await harness.database.count("SELECT count(*)::int FROM mqtt_resume_points") == 1
                }
            }
            _ = try await emit(relay, world, orderId: "stale")
            try await asDevice(world, port: port) { packets, _ in
                let live = try await emit(relay, world, orderId: "live")
                #expect(try await nextSignal(&packets).u == live)
            }
        }
    }

    @Test("the resume point never passes a record still unacknowledged, and strategies do not mix")
    func ackTracker() {
        var acks = AckTracker()
        let one = (Int64(5)...7).map { acks.handed("one", seq: $0) }
        let two = acks.handed("two", seq: 1)
        #expect(one.allSatisfy { $0 == one[0] } && one[0] != two, "one slot per strategy")
        #expect(acks.acknowledged(one[0], seq: 6) == 4, "5 is still out")
        #expect(acks.acknowledged(one[0], seq: 5) == 6, "7 is still out")
        #expect(acks.acknowledged(two, seq: 1) == 1)
        #expect(acks.acknowledged(one[0], seq: 7) == 7)
        #expect(acks.strategyId(of: one[0]) == "one" && acks.strategyId(of: two) == "two")
    }
}
