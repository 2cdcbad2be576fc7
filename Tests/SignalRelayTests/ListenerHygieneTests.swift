import MQTTWire
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import SignalRelay

/// What the MQTT port and the WebSocket handshake do with clients that are not what they claim:
/// another protocol, another MQTT version, no credentials, or a CONNECT that never completes.
@Suite("Signal relay: listener hygiene", .timeLimit(.minutes(3)))
struct ListenerHygieneTests {
    let flows = RelayFlowTests()

    static let connackUnacceptableVersion: [UInt8] = [0x20, 0x02, 0x00, MQTTPacket.ConnectReturnCode.unacceptableProtocolVersion]

    @Test("bytes that cannot begin a CONNECT close the connection at once, without waiting for the length they announce")
    func notMQTT() async throws {
        let harness = try await RelayHarness.make()
        let mqttPort = BoundPort()
        // The CONNECT deadline is far beyond the test's time limit: only refusing the first bytes can close these.
        try await harness.relay(["MQTT_CONNECT_TIMEOUT_MS": "600000"], mqttPort: mqttPort).test(.live) { _ in
            let port = try await flows.port(mqttPort)
            var subscribe = ByteBuffer()
            MQTTEncoder.write(.subscribe(packetId: 1, topics: [("t/x", 1)]), to: &subscribe)
            for bytes: [UInt8] in [
                Array("GET / HTTP/1.1\r\n".utf8),  // 'G' reads as a PUBACK announcing 69 more bytes
                Array(subscribe.readableBytesView.prefix(3)),  // a packet other than CONNECT, before CONNECT
                [0x10, 0x40, 0x00, 0x04, 0x48, 0x54],  // a CONNECT whose protocol name is not MQTT
                [0x30, 0x7F],  // a PUBLISH header announcing 127 bytes
            ] {
                #expect(try await RawTCP.exchange(port: port, sending: bytes).isEmpty, "\(bytes) is closed without an answer")
            }
        }
    }

    @Test("a connection that sends no complete CONNECT in time is closed (slow loris)")
    func slowLoris() async throws {
        let harness = try await RelayHarness.make()
        let mqttPort = BoundPort()
        try await harness.relay(["MQTT_CONNECT_TIMEOUT_MS": "200"], mqttPort: mqttPort).test(.live) { _ in
            let port = try await flows.port(mqttPort)
            var connect = ByteBuffer()
            MQTTEncoder.write(MQTTTestClient.connectPacket(username: UUID().uuidString), to: &connect)
            // A valid beginning of a CONNECT that never ends: only the deadline can close it.
            let answer = try await RawTCP.exchange(port: port, sending: Array(connect.readableBytesView.prefix(8)))
            #expect(answer.isEmpty)
        }
    }

    @Test("a CONNECT of another MQTT version gets CONNACK 0x01, then the connection closes")
    func otherVersions() async throws {
        let harness = try await RelayHarness.make()
        let mqttPort = BoundPort()
        try await harness.relay(["MQTT_CONNECT_TIMEOUT_MS": "600000"], mqttPort: mqttPort).test(.live) { _ in
            let port = try await flows.port(mqttPort)
            // Level 5, clean session, keep-alive 60, no properties (MQTT 5 only), client id "A".
            let mqtt5: [UInt8] = [0x10, 0x0E, 0x00, 0x04] + Array("MQTT".utf8) + [0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x01, 0x41]
            let mqtt31: [UInt8] = [0x10, 0x0F, 0x00, 0x06] + Array("MQIsdp".utf8) + [0x03, 0x02, 0x00, 0x3C, 0x00, 0x01, 0x41]
            for connect in [mqtt5, mqtt31] {
                #expect(try await RawTCP.exchange(port: port, sending: connect) == Self.connackUnacceptableVersion)
            }
            // And 3.1.1 with another level byte is the same refusal.
            var level3 = ByteBuffer()
            MQTTEncoder.write(.connect(.init(protocolName: "MQTT", protocolLevel: 3, cleanSession: true, keepAliveSeconds: 60, clientId: "A", username: nil, password: nil)), to: &level3)
            #expect(try await RawTCP.exchange(port: port, sending: Array(level3.readableBytesView)) == Self.connackUnacceptableVersion)
        }
    }

    @Test("the WebSocket handshake without credentials, with a garbage token or an unknown key is 401 problem+json")
    func webSocketHandshake() async throws {
        let harness = try await RelayHarness.make()
        try await harness.relay().test(.live) { relay in
            let upgrade: HTTPFields = [
                .upgrade: "websocket", .connection: "Upgrade", .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
            ]
            for (query, headers) in [
                ("", upgrade), ("?access_token=garbage", upgrade), ("?access_token=ak_unknownkey", upgrade),
                ("", upgrade.merging([.authorization: "Bearer not.a.jwt"])), ("", [:]), ("?access_token=garbage", [:]),
            ] {
                let response = try await relay.execute(uri: "/v1/signals/stream\(query)", method: .get, headers: headers)
                let problem = try response.expectProblem(.unauthorized)
                #expect(problem["type"] as? String == "/problems/unauthorized", "\(query) \(headers)")
            }
        }
    }
}

extension HTTPFields {
    fileprivate func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
