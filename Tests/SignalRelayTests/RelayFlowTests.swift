import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import MQTTWire
import Models
import NIOCore
import OctoBotFormats
import PostgresNIO
import SignalStore
import Synchronization
import TestSupport
import Testing

@testable import SignalRelay

/// Two relay instances over one database and one broker: emitters talk to one, followers to
/// the other, as behind the edge.
@Suite("Signal relay: ingest, log and fan-out across instances", .timeLimit(.minutes(5)), .serialized)
struct RelayFlowTests {
    static let fixtures = [
        "01_create_limit_buy.bundle.json", "02_create_entry_with_chained_oco_stop_and_take_profit.bundle.json",
        "03_cancel_order.bundle.json", "mqtt_payload_example.json",
    ]

    func emit(_ client: some TestClientProtocol, _ bytes: [UInt8], to strategyId: String, key: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/signals/\(strategyId)", method: .post,
            headers: [.authorization: "Bearer \(key)", .contentType: "application/json"], body: ByteBuffer(bytes: bytes)
        )
    }

    static func bundle(_ strategyId: String, orderId: String, padding: Int = 0) -> [UInt8] {
        let content = """
            {"action":"create","strategy":"DailyTradingMode","symbol":"BTC/USDT","exchange":"binance","exchange_type":"spot","side":"buy",\
            "type":"buy_limit","quantity":0.01,"target_amount":"5%","order_id":"\(orderId)","limit_price":60000.0,"stop_price":null,\
            "additional_orders":[],"padding":"\(String(repeating: "x", count: padding))"}
            """
        return Array("{\"identifier\":\"\(strategyId)\",\"signals\":[{\"topic\":\"orders\",\"content\":\(content),\"dependencies\":null}],\"version\":\"1.0.0\"}".utf8)
    }

    func port(_ bound: BoundPort) async throws -> Int {
        try await eventually("the MQTT listener is bound") { bound.port != nil }
        return try #require(bound.port)
    }

    /// Loose JSON, for envelopes compared member for member with what was sent: the relay keeps
    /// their unknown keys, which no shape names (numbers compare by value, keys in any order).
    func json(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    /// Two instances: `body` emits through the first and follows on the second, over WebSocket
    /// (its subscribe to the world's strategy sent, the answer not read) and over MQTT (connected,
    /// nothing sent yet).
    func acrossInstances(
        _ body: @Sendable (RelayHarness, RelayHarness.World, any TestClientProtocol, inout WSFollower, MQTTTestClient) async throws -> Void
    ) async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let mqttPort = BoundPort()
        try await harness.relay().test(.live) { emitter in
            try await harness.relay(mqttPort: mqttPort).test(.live) { followers in
                var ws = WSFollower.connect(port: try #require(followers.port), token: world.follower.token)
                defer { ws.close() }
                ws.subscribe(world.strategyId)
                let mqtt = try await MQTTTestClient.connect(port: try await port(mqttPort))
                try await body(harness, world, emitter, &ws, mqtt)
            }
        }
    }

    @Test("the OctoBot fixtures go in through one instance and come out identical to WebSocket and MQTT followers of the other")
    func fixturesAcrossInstances() async throws {
        try await acrossInstances { harness, world, emitter, ws, mqtt in
            let subscribed = try #require(try await ws.next())
            #expect(subscribed.type == "subscribed")
            #expect(subscribed.headSeq == 0)

            try await mqtt.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await outbound.write(MQTTTestClient.connectPacket(username: world.followerDevice.uuidString.lowercased()))
                #expect(try await packets.next() == .connack(sessionPresent: false, returnCode: 0))
                try await outbound.write(.subscribe(packetId: 1, topics: [
                    ("t/\(world.strategyId)", 1), ("cfg/\(world.followerDevice.uuidString.lowercased())", 1), ("t/#", 1), ("t/\(world.otherStrategyId)", 1),
                ]))
                #expect(try await packets.next() == .suback(packetId: 1, returnCodes: [1, 1, 0x80, 0x80]))

                var expected: [NSDictionary] = []
                for name in Self.fixtures {
                    let body = try RelayHarness.fixtureBundle(name, strategyId: world.strategyId)
                    let response = try await emit(emitter, body, to: world.strategyId, key: world.emitKey)
                    #expect(response.status == .accepted, "\(name): \(String(buffer: response.body))")
                    let messageId = try response.decode(AcceptedSignalBody.self).messageId
                    let sent = try json(body)
                    // A bare bundle is wrapped; an envelope is kept as sent.
                    expected.append(sent["s"] != nil ? sent : ["t": "t", "v": "1.0.0", "s": sent, "u": messageId])
                }
                let received = try await ws.signalFrames(Self.fixtures.count)
                #expect(received.map { $0.record.seq } == [1, 2, 3, 4])
                for (frame, envelope) in zip(received, expected) {
                    let record = try json(Array(frame.text.utf8))["record"] as? NSDictionary
                    #expect((record?["envelope"] as? NSDictionary) == envelope)
                    #expect(frame.record.hash.count == 64)
                }
                for envelope in expected {
                    guard case .publish(let publish)? = try await packets.next() else { Issue.record("expected a PUBLISH"); return }
                    #expect(publish.topic == "t/\(world.strategyId)" && publish.qos == 1)
                    #expect(try json(publish.payload) == envelope)
                    try await outbound.write(.puback(packetId: try #require(publish.packetId)))
                }
            }
            let verification = try await harness.verifiedChain(world.strategyId)
            #expect(verification.records == 4 && verification.isValid)
        }
    }

    @Test("1,000 signals from 4 concurrent emitters: seq 1…1000 without gaps, a valid chain, every follower gets each once in order")
    func concurrentEmitters() async throws {
        try await acrossInstances { harness, world, emitter, ws, mqtt in
            #expect(try await ws.next()?.type == "subscribed")
            try await mqtt.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await MQTTTestClient.follow(world.strategyId, as: world.followerDevice.uuidString, packets: &packets, outbound: outbound)

                try await withThrowingTaskGroup(of: Void.self) { group in
                    for emitterIndex in 0..<4 {
                        group.addTask {
                            for index in 0..<250 {
                                let response = try await emit(emitter, Self.bundle(world.strategyId, orderId: "\(emitterIndex)-\(index)"), to: world.strategyId, key: world.emitKey)
                                #expect(response.status == .accepted)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let received = try await ws.signals(1000)
                #expect(received.map(\.seq) == Array(1...1000))
                #expect(Set(received.map(\.messageId)).count == 1000)

                var mqttMessageIds: [String] = []
                while mqttMessageIds.count < 1000 {
                    guard case .publish(let publish)? = try await packets.next() else { Issue.record("MQTT ended early"); return }
                    try await outbound.write(.puback(packetId: try #require(publish.packetId)))
                    mqttMessageIds.append(try decodeEnvelope(publish.payload).u)
                }
                #expect(mqttMessageIds == received.map(\.messageId))
            }
            let verification = try await harness.verifiedChain(world.strategyId)
            #expect(verification.records == 1000 && verification.isValid)
        }
    }

    @Test("a follower that reconnects with after gets exactly what it missed, then live signals")
    func resume() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        try await harness.relay().test(.live) { emitter in
            try await harness.relay().test(.live) { followers in
                let port = try #require(followers.port)
                var first = WSFollower.connect(port: port, token: world.follower.token)
                first.subscribe(world.strategyId)
                _ = try await first.next()
                for index in 0..<5 { _ = try await emit(emitter, Self.bundle(world.strategyId, orderId: "a\(index)"), to: world.strategyId, key: world.emitKey) }
                let seen = try await first.signals(5)
                first.close()
                for index in 0..<50 { _ = try await emit(emitter, Self.bundle(world.strategyId, orderId: "b\(index)"), to: world.strategyId, key: world.emitKey) }

                var second = WSFollower.connect(port: port, token: world.follower.token)
                defer { second.close() }
                second.subscribe(world.strategyId, after: Int64(try #require(seen.last?.seq)))
                let subscribed = try #require(try await second.next())
                #expect(subscribed.headSeq == 55)
                let missed = try await second.signals(50)
                #expect(missed.map(\.seq) == Array(6...55))
                _ = try await emit(emitter, Self.bundle(world.strategyId, orderId: "live"), to: world.strategyId, key: world.emitKey)
                #expect(try await second.signals(1).first?.seq == 56)
            }
        }
    }
}
