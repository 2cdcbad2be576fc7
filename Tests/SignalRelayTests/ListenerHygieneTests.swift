import APIShapes
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

    @Test("the WebSocket handshake without credentials, with a garbage token or an unknown key is 401 problem+json; a plain GET is 426")
    func webSocketHandshake() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        try await harness.relay().test(.live) { relay in
            let port = try #require(relay.port)
            let upgrade = ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]
            for (target, headers) in [
                ("/v1/signals/stream", upgrade), ("/v1/signals/stream?access_token=garbage", upgrade),
                ("/v1/signals/stream?access_token=ak_unknownkey", upgrade), ("/v1/signals/stream", upgrade + ["Authorization: Bearer not.a.jwt"]),
                ("/v1/signals/stream", ["Connection: close"]), ("/v1/signals/stream?access_token=garbage", ["Connection: close"]),
            ] {
                let answer = try await RawHTTP.get(port: port, target: target, headers: headers)
                #expect(answer.status == 401, "\(target) \(headers): \(answer)")
                #expect(answer.headers.contains("content-type: application/problem+json"), "\(answer)")
                #expect(answer.problemType == "/problems/unauthorized", "\(answer)")
            }
            let plain = try await RawHTTP.get(port: port, target: "/v1/signals/stream?access_token=\(world.follower.token)", headers: ["Connection: close"])
            #expect(plain.status == 426 && plain.problemType == "/problems/upgrade-required", "\(plain)")
            let elsewhere = try await RawHTTP.get(port: port, target: "/v1/signals/\(world.strategyId)/head", headers: upgrade)
            #expect(elsewhere.status == 404 && elsewhere.problemType == "/problems/not-found", "\(elsewhere)")
        }
    }
}

/// One HTTP/1.1 request over a fresh connection, read until the server closes it.
enum RawHTTP {
    struct Answer: CustomStringConvertible {
        let status: Int
        /// Header lines, lower-cased.
        let headers: [String]
        let body: String

        var problemType: String? {
            (try? JSONDecoder().decode(Problem.self, from: Data(body.utf8)))?.type
        }

        var description: String { "\(status) \(headers) \(body)" }
    }

    static func get(port: Int, target: String, headers: [String]) async throws -> Answer {
        let request = (["GET \(target) HTTP/1.1", "Host: 127.0.0.1:\(port)"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        let text = String(decoding: try await RawTCP.exchange(port: port, sending: Array(request.utf8)), as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = (parts.first ?? "").components(separatedBy: "\r\n")
        let status = head.first?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Answer(status: status, headers: head.dropFirst().map { $0.lowercased() }, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
