import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import MQTTWire
import Models
import NIOCore
import PostgresNIO
import SignalStore
import SubscriptionStore
import Synchronization
import TestSupport
import Testing

@testable import SignalRelay

@Suite("Signal relay: who may emit and follow, and bad input", .timeLimit(.minutes(5)), .serialized)
struct RelayAccessTests {
    let flows = RelayFlowTests()

    @Test("subscribe's after: a negative, fractional or non-numeric one is bad_request and the socket stays open; null starts live")
    func subscribeAfter() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        try await harness.relay().test(.live) { relay in
            var follower = WSFollower.connect(port: try #require(relay.port), token: world.follower.token)
            defer { follower.close() }
            for after in ["-1", "1.5", "\"3\"", "true", "{}"] {
                follower.send("{\"type\":\"subscribe\",\"strategyId\":\"\(world.strategyId)\",\"after\":\(after)}")
                let refused = try #require(try await follower.next())
                #expect(refused.type == "error" && refused.code == "bad_request", "after: \(after)")
            }
            follower.send("{\"type\":\"subscribe\",\"strategyId\":\"\(world.strategyId)\",\"after\":null}")
            let subscribed = try #require(try await follower.next())
            #expect(subscribed.type == "subscribed" && subscribed.headSeq == 0)
        }
    }

    @Test("strangers are refused everywhere; cancelling a subscription cuts WebSocket and MQTT sessions")
    func accessRules() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let mqttPort = BoundPort()
        try await harness.relay(mqttPort: mqttPort).test(.live) { relay in
            let port = try #require(relay.port)
            // History: anonymous 401, stranger 403, subscriber 200; head is public.
            try await relay.send(.get, "/v1/signals/\(world.strategyId)").expectProblem(.unauthorized)
            try await relay.send(.get, "/v1/signals/\(world.strategyId)", token: world.stranger.token).expectProblem(.forbidden)
            #expect(try await relay.send(.get, "/v1/signals/\(world.strategyId)?after=0", token: world.follower.token).status == .ok)
            let head = try await relay.send(.get, "/v1/signals/\(world.strategyId)/head").decode(SignalHeadBody.self)
            #expect(head.seq == 0 && head.hash == String(repeating: "0", count: 64))
            try await relay.send(.get, "/v1/signals/nosuchstrategy/head").expectProblem(.notFound)
            // Emitting: the key names one strategy only; a user token is not an emitter.
            try await flows.emit(relay, RelayFlowTests.bundle(world.otherStrategyId, orderId: "x"), to: world.otherStrategyId, key: world.emitKey).expectProblem(.forbidden)
            try await flows.emit(relay, RelayFlowTests.bundle(world.strategyId, orderId: "x"), to: world.strategyId, key: world.author.token).expectProblem(.forbidden)
            try await flows.emit(relay, RelayFlowTests.bundle(world.strategyId, orderId: "x"), to: world.strategyId, key: "ak_unknown").expectProblem(.unauthorized)

            var stranger = WSFollower.connect(port: port, token: world.stranger.token)
            defer { stranger.close() }
            stranger.subscribe(world.strategyId)
            let refused = try #require(try await stranger.next())
            #expect(refused.type == "error" && refused.code == "not_entitled")
            stranger.subscribe("nosuchstrategy")
            #expect(try await stranger.next()?.code == "not_found")

            let mqtt = try await MQTTTestClient.connect(port: try await flows.port(mqttPort))
            try await mqtt.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await outbound.write(MQTTTestClient.connectPacket(username: world.strangerDevice.uuidString))
                _ = try await packets.next()
                try await outbound.write(.subscribe(packetId: 9, topics: [("t/\(world.strategyId)", 1)]))
                #expect(try await packets.next() == .suback(packetId: 9, returnCodes: [0x80]))
            }
            for username: String? in [UUID().uuidString, "not-a-device", nil] {
                let unknown = try await MQTTTestClient.connect(port: try await flows.port(mqttPort))
                try await unknown.channel.executeThenClose { inbound, outbound in
                    var packets = inbound.makeAsyncIterator()
                    try await outbound.write(MQTTTestClient.connectPacket(username: username))
                    #expect(try await packets.next() == .connack(sessionPresent: false, returnCode: username == nil ? 0x04 : 0x05))
                    #expect(try await packets.next() == nil, "the connection is closed after a refused CONNECT")
                }
            }

            // The follower is connected both ways, then cancels.
            var follower = WSFollower.connect(port: port, token: world.follower.token)
            defer { follower.close() }
            follower.subscribe(world.strategyId)
            #expect(try await follower.next()?.type == "subscribed")
            let followerMQTT = try await MQTTTestClient.connect(port: try await flows.port(mqttPort))
            try await followerMQTT.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await MQTTTestClient.follow(world.strategyId, as: world.followerDevice.uuidString, packets: &packets, outbound: outbound)
                // Cancelled as the subscriptions service does it: the event goes out through the outbox.
                try await harness.database.withClient { client in
                    let subscriptions = PostgresSubscriptionRepository(client: client, logger: RelayHarness.logger, tokens: try DownloadTokenIssuer(secret: String(repeating: "s", count: 40)))
                    _ = try await subscriptions.cancel(id: world.subscriptionId, userId: world.follower.id, at: harness.clock.now())
                }
                let ended = try #require(try await follower.next())
                #expect(ended.type == "unsubscribed" && ended.reason == "subscription_ended")
                #expect(try await packets.next() == nil, "the MQTT connection is closed")
            }
            try await relay.send(.get, "/v1/signals/\(world.strategyId)", token: world.follower.token).expectProblem(.forbidden)
        }
    }

    @Test("bad signals are refused with the right status and stored nowhere; MQTT garbage closes only its own connection")
    func badInput() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let mqttPort = BoundPort()
        try await harness.relay(mqttPort: mqttPort).test(.live) { relay in
            let id = world.strategyId
            let valid = String(decoding: RelayFlowTests.bundle(id, orderId: "1"), as: UTF8.self)
            let cases: [(String, HTTPResponse.Status)] = [
                ("{not json", .badRequest),
                (valid.replacingOccurrences(of: "\"identifier\":\"\(id)\"", with: "\"identifier\":\"someoneelse\""), .unprocessableContent),
                ("{\"t\":\"t\",\"v\":\"2.0.0\",\"u\":\"m1\",\"s\":\(valid)}", .unprocessableContent),
                ("{\"t\":\"t\",\"v\":\"1.½.0\",\"u\":\"m1\",\"s\":\(valid)}", .unprocessableContent),  // digits are ASCII digits
                (valid.replacingOccurrences(of: "\"topic\":\"orders\"", with: "\"topic\":\"trades\""), .unprocessableContent),
                (valid.replacingOccurrences(of: "\"action\":\"create\"", with: "\"action\":\"explode\""), .unprocessableContent),
                (valid.replacingOccurrences(of: "\"symbol\":\"BTC/USDT\",", with: ""), .unprocessableContent),
                ("{\"identifier\":\"\(id)\",\"version\":\"1.0.0\",\"signals\":[\(Array(repeating: "{\"topic\":\"positions\",\"content\":{\"action\":\"edit\",\"symbol\":\"BTC/USDT\",\"exchange\":\"binance\",\"exchange_type\":\"future\",\"leverage\":3},\"dependencies\":null}", count: 101).joined(separator: ","))]}", .unprocessableContent),
                (String(decoding: RelayFlowTests.bundle(id, orderId: "big", padding: 300 * 1024), as: UTF8.self), .contentTooLarge),
            ]
            for (body, status) in cases {
                try await flows.emit(relay, Array(body.utf8), to: id, key: world.emitKey).expectProblem(status)
            }
            // A profile strategy has no signal log, even for its author's key.
            let profileId = try await harness.profileStrategy(of: world.author)
            let profileKey = try await harness.emitKey(for: world.author, strategyIds: [profileId])
            try await flows.emit(relay, RelayFlowTests.bundle(profileId, orderId: "p"), to: profileId, key: profileKey).expectProblem(.conflict)
            #expect(try await harness.database.count("SELECT count(*)::int FROM signal_records") == 0)

            // Idempotent on u; the same u with other content is 409.
            let envelope = "{\"t\":\"t\",\"v\":\"1.4.2\",\"u\":\"fixed-id\",\"s\":\(valid),\"extra\":{\"kept\":true}}"
            #expect(try await flows.emit(relay, Array(envelope.utf8), to: id, key: world.emitKey).status == .accepted)
            let again = try await flows.emit(relay, Array(envelope.utf8), to: id, key: world.emitKey)
            #expect(again.status == .ok)
            #expect(try again.decode(AcceptedSignalBody.self).seq == 1)
            let altered = envelope.replacingOccurrences(of: "\"kept\":true", with: "\"kept\":false")
            try await flows.emit(relay, Array(altered.utf8), to: id, key: world.emitKey).expectProblem(.conflict)
            // Unknown keys are in no shape: the stored envelope is read as loose JSON.
            let history = try await relay.send(.get, "/v1/signals/\(id)?after=0", token: world.follower.token).jsonObject()
            let stored = try #require((history["items"] as? [[String: Any]])?.first?["envelope"] as? [String: Any])
            #expect((stored["extra"] as? [String: Any])?["kept"] as? Bool == true, "unknown keys are kept")

            // MQTT: a healthy follower, then hostile connections, then one more signal.
            let mqttPortNumber = try await flows.port(mqttPort)
            let follower = try await MQTTTestClient.connect(port: mqttPortNumber)
            try await follower.channel.executeThenClose { inbound, outbound in
                var packets = inbound.makeAsyncIterator()
                try await outbound.write(MQTTTestClient.connectPacket(username: world.followerDevice.uuidString))
                _ = try await packets.next()
                try await outbound.write(.subscribe(packetId: 1, topics: [("t/\(id)", 1)]))
                _ = try await packets.next()
                var subscribeFirst = ByteBuffer()
                MQTTEncoder.write(.subscribe(packetId: 1, topics: [("t/\(id)", 1)]), to: &subscribeFirst)
                for garbage: [UInt8] in [
                    Array("GET / HTTP/1.1\r\n\r\n".utf8), [0x10, 0xFF, 0xFF, 0xFF, 0x7F], Array(subscribeFirst.readableBytesView),
                    (0..<512).map { _ in UInt8.random(in: 0...255) },
                ] {
                    let answer = try await RawTCP.exchange(port: mqttPortNumber, sending: garbage)
                    #expect(answer.isEmpty, "closed without an answer")
                }
                #expect(try await flows.emit(relay, RelayFlowTests.bundle(id, orderId: "after-garbage"), to: id, key: world.emitKey).status == .accepted)
                guard case .publish(let publish)? = try await packets.next() else { Issue.record("the healthy follower got nothing"); return }
                #expect(String(decoding: publish.payload, as: UTF8.self).contains("after-garbage"))
            }
        }
    }

    @Test("the chain check finds a record changed after the fact")
    func tamperDetection() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        try await harness.relay().test(.router) { relay in
            for index in 0..<3 {
                let response = try await flows.emit(relay, RelayFlowTests.bundle(world.strategyId, orderId: "\(index)"), to: world.strategyId, key: world.emitKey)
                #expect(response.status == .accepted)
            }
        }
        try await harness.database.withClient { client in
            #expect(try await PostgresSignalLog(client: client, logger: RelayHarness.logger).verify(world.strategyId).isValid)
            try await client.query(
                "UPDATE signal_records SET envelope = convert_to(replace(convert_from(envelope, 'UTF8'), '\"1\"', '\"9\"'), 'UTF8') WHERE seq = 2",
                logger: RelayHarness.logger
            )
            #expect(try await PostgresSignalLog(client: client, logger: RelayHarness.logger).verify(world.strategyId).firstBadSeq == 2)
        }
    }
}
