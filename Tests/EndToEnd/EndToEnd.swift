import ArgumentParser
import AsyncHTTPClient
import ExactJSON
import Foundation
import Logging
import MQTTWire
import NIOCore
import NIOHTTP1
import NIOPosix
import OctoBotFormats
import WSClient

/// The seed flows of Astrolab, end to end through the edge of a running installation
/// (`./deploy/test` starts one with two replicas of every service): publish a profile, review
/// it, subscribe and download; publish a signal strategy, follow it over MQTT and WebSocket,
/// emit OctoBot's signals, cancel and lose access. Exits non-zero at the first failure.
@main
struct EndToEnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "end-to-end", abstract: "Run the seed flows against a running Astrolab.")

    @Option(help: "The edge.") var edge = "http://127.0.0.1:8080"
    @Option(help: "The edge's MQTT port.") var mqttPort = 1883
    @Option(help: "The admin account, `email / password` (deploy/run writes it to <state>/admin-credentials).") var adminCredentials: String
    @Option(help: "OctoBot fixtures (Tests/Fixtures/octobot in the repository).") var fixtures = "Tests/Fixtures/octobot"

    func run() async throws {
        let api = EdgeAPI(edge: edge)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let parts = adminCredentials.components(separatedBy: " / ")
        let admin = try await api.login(parts[0], password: parts.count > 1 ? parts[1] : "")
        let author = try await api.signUp("author-\(tag)@example.com", name: "Author")
        let follower = try await api.signUp("follower-\(tag)@example.com", name: "Follower")

        // 1. A profile strategy: upload, review, subscribe, download byte for byte.
        let profile = try await api.expect(201, .POST, "/v1/strategies", token: author.token, json: ["name": "E2E daily \(tag)", "description": "Daily trading, end to end.", "kind": "profile"])
        let profileId = profile["id"]?.stringValue ?? ""
        let export = try Array(Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/exports/daily_trading_export.zip")))
        let version = try await api.expect(201, .POST, "/v1/strategies/\(profileId)/versions", token: author.token, bytes: export, contentType: "application/zip")
        check(version["summary"]?["tradingMode"]?.stringValue == "DailyTradingMode", "upload summary")
        try await api.approveCase(of: profileId, admin: admin)
        let subscription = try await api.expect(201, .POST, "/v1/subscriptions", token: follower.token, json: ["strategyId": profileId])
        let downloadURL = subscription["downloadUrl"]?.stringValue ?? ""
        let downloaded = try await api.call(.GET, Self.edgePath(downloadURL))
        let stored = try await api.call(.GET, "/v1/strategies/\(profileId)/versions/1/profile.zip", token: author.token)
        check(downloaded.status == 200 && downloaded.body == stored.body, "the download is the approved zip")
        let imported = try ProfileArchive.validate(zip: Array(downloaded.body))
        check(imported.summary.tradingMode == "DailyTradingMode", "the downloaded profile is valid")
        print("profile strategy \(profileId): uploaded, approved, subscribed, downloaded (\(downloaded.body.count) bytes)")

        // 2. A signal strategy: review, subscribe, follower profile, devices and keys.
        let signals = try await api.expect(201, .POST, "/v1/strategies", token: author.token, json: ["name": "E2E signals \(tag)", "description": "Signals, end to end.", "kind": "signals", "exchange": "binance", "pairs": ["BTC/USDT", "ETH/USDT"]])
        let signalsId = signals["id"]?.stringValue ?? ""
        try await api.expect(200, .POST, "/v1/strategies/\(signalsId)/submit", token: author.token)
        try await api.approveCase(of: signalsId, admin: admin)
        let follow = try await api.expect(201, .POST, "/v1/subscriptions", token: follower.token, json: ["strategyId": signalsId])
        let followURL = Self.edgePath(follow["downloadUrl"]?.stringValue ?? "")
        let followerProfile = try await api.call(.GET, followURL)
        let files = try SafeZipReader.files(in: Array(followerProfile.body), limits: .profileUpload)
        let specific = try JSONParser.parse(files.first { $0.path == "specific_config/RemoteTradingSignalsTradingMode.json" }?.bytes ?? [])
        check(specific["trading_strategy"]?.stringValue == signalsId, "the follower profile follows the strategy")
        let device = try await api.expect(201, .POST, "/v1/devices", token: follower.token, json: ["name": "follower bot"])
        let deviceId = device["id"]?.stringValue ?? ""
        let emitKey = try await api.expect(201, .POST, "/v1/api-keys", token: author.token, json: ["name": "author bot", "scopes": ["signals:emit"], "strategyIds": [signalsId]])
        print("signal strategy \(signalsId): approved, subscribed, follower profile checked")

        // 3. Followers on MQTT and WebSocket (through the edge), the author's bot emits.
        let bundles = try ["01_create_limit_buy.bundle.json", "02_create_entry_with_chained_oco_stop_and_take_profit.bundle.json", "03_cancel_order.bundle.json"].map { name in
            let text = try String(contentsOfFile: "\(fixtures)/signals/\(name)", encoding: .utf8)
            return Array(text.replacingOccurrences(of: "\"my-strategy-identifier\"", with: "\"\(signalsId)\"").utf8)
        }
        let (wsFrames, wsInput) = AsyncStream.makeStream(of: String.self)
        let (wsOut, wsOutInput) = AsyncStream.makeStream(of: String.self)
        var logger = Logger(label: "e2e")
        logger.logLevel = .error
        let wsURL = edge.replacingOccurrences(of: "http", with: "ws") + "/v1/signals/stream?access_token=\(follower.token)"
        let socket = Task {
            try await WebSocketClient.connect(url: wsURL, configuration: .init(maxFrameSize: 1 << 22), logger: logger) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { for await text in wsOut { try await outbound.write(.text(text)) } }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 22) { if case .text(let text) = message { wsInput.yield(text) } }
                        wsInput.finish()
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
        var frames = wsFrames.makeAsyncIterator()
        wsOutInput.yield("{\"type\":\"subscribe\",\"strategyId\":\"\(signalsId)\"}")
        check((await frames.next())?.contains("\"subscribed\"") == true, "WebSocket subscribed")

        let mqtt = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: URL(string: edge)?.host ?? "127.0.0.1", port: mqttPort) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTDecoder(maxPacketBytes: 1 << 20, acceptingConnections: false)))
                try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTEncoder()))
                return try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel)
            }
        }
        try await mqtt.executeThenClose { inbound, outbound in
            var packets = inbound.makeAsyncIterator()
            try await outbound.write(.connect(.init(protocolName: "MQTT", protocolLevel: 4, cleanSession: true, keepAliveSeconds: 60, clientId: "CommunityMQTTFeed", username: deviceId, password: nil)))
            check(try await packets.next() == .connack(sessionPresent: false, returnCode: 0), "MQTT connected")
            try await outbound.write(.subscribe(packetId: 1, topics: [("t/\(signalsId)", 1)]))
            check(try await packets.next() == .suback(packetId: 1, returnCodes: [1]), "MQTT subscribed")

            for bundle in bundles {
                try await api.expect(202, .POST, "/v1/signals/\(signalsId)", token: emitKey["key"]?.stringValue, bytes: bundle, contentType: "application/json")
            }
            for bundle in bundles {
                let sent = try JSONParser.parse(bundle)
                guard case .publish(let publish)? = try await packets.next() else { throw EdgeAPI.Failure(description: "MQTT follower got no signal") }
                try await outbound.write(.puback(packetId: publish.packetId ?? 0))
                check(try JSONParser.parse(publish.payload)["s"] == sent, "MQTT follower got the bundle as sent")
                let frame = try JSONParser.parse(Array((await frames.next() ?? "").utf8))
                check(frame["record"]?["envelope"]?["s"] == sent, "WebSocket follower got the bundle as sent")
            }
            print("3 OctoBot signal bundles relayed to an MQTT and a WebSocket follower")

            // 4. The follower cancels: both sessions end, the download URL dies.
            try await api.expect(200, .DELETE, "/v1/subscriptions/\(follow["id"]?.stringValue ?? "")", token: follower.token)
            check((await frames.next())?.contains("\"unsubscribed\"") == true, "WebSocket unsubscribed")
            check(try await packets.next() == nil, "MQTT connection closed")
        }
        socket.cancel()
        check(try await api.call(.GET, followURL).status == 404, "the download URL is dead")
        print("cancelled: WebSocket unsubscribed, MQTT closed, download URL 404 — end-to-end flows passed")
    }

    /// The `/d/…` path of a download URL, sent to the edge under test whatever origin the URL names.
    static func edgePath(_ url: String) -> String {
        url.range(of: "/d/").map { String(url[$0.lowerBound...]) } ?? url
    }

    func check(_ condition: Bool, _ what: String) {
        guard condition else {
            print("end-to-end FAILED: \(what)")
            Foundation.exit(1)
        }
    }
}
