import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import MQTTWire
import Models
import NIOCore
import NIOHTTP1
import NIOPosix
import PostgresNIO
import Synchronization
import WSClient

/// Load tool for the signal relay: N followers (WebSocket and MQTT) on a published signal
/// strategy, an emitter at a fixed rate, and what comes out: end-to-end latency (emit request
/// → follower receipt), delivered messages per second, relay memory. It sets up its own users,
/// strategy, keys and devices straight in the database of a running installation (`./deploy/run`).
@main
struct SignalLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "signal-load", abstract: "Load-test the signal relay.")

    @Option(help: "The installation's database.") var databaseURL = "postgres://postgres@127.0.0.1:5432/astrolab"
    @Option(help: "The relay's (or the edge's) HTTP origin.") var relay = "http://127.0.0.1:8085"
    @Option var mqttHost = "127.0.0.1"
    @Option var mqttPort = 1883
    @Option(help: "WebSocket followers receiving signals.") var wsFollowers = 500
    @Option(help: "MQTT followers receiving signals.") var mqttFollowers = 500
    @Option(help: "MQTT followers connected and subscribed to a silent strategy (memory).") var idleFollowers = 0
    @Option(help: "Signals per second.") var rate = 50
    @Option(help: "Seconds of emitting.") var duration = 20
    @Option(help: "The relay's process id, for its memory.") var relayPid: Int?

    func run() async throws {
        var logger = Logger(label: "signal-load")
        logger.logLevel = .warning
        let world = try await LoadWorld.make(databaseURL: databaseURL, devices: mqttFollowers + idleFollowers, logger: logger)
        let rssStart = rss()
        print("setup: strategy \(world.strategyId); relay RSS \(rssStart.map { "\($0 / 1024) MiB" } ?? "?")")

        let total = rate * duration
        let state = LoadState(signals: total)
        let connected = state.connected
        let onSignal: @Sendable (Int?) -> Void = { index in state.received(index) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            if idleFollowers > 0 {
                for device in world.devices.suffix(idleFollowers) {
                    group.addTask { try await mqttFollower(device: device, strategyId: world.silentStrategyId, connected: connected, onSignal: { _ in }) }
                }
                while state.connectedCount < idleFollowers { try await Task.sleep(for: .milliseconds(200)) }
                try await Task.sleep(for: .seconds(2))
                let rssIdle = rss()
                if let rssStart, let rssIdle {
                    print("idle: \(idleFollowers) MQTT followers, relay RSS \(rssIdle / 1024) MiB, \((rssIdle - rssStart) * 1024 / max(1, idleFollowers)) bytes each")
                }
            }
            let base = state.connectedCount
            for device in world.devices.prefix(mqttFollowers) {
                group.addTask { try await mqttFollower(device: device, strategyId: world.strategyId, connected: connected, onSignal: onSignal) }
            }
            for _ in 0..<wsFollowers {
                group.addTask { try await wsFollower(key: world.followKey, strategyId: world.strategyId, connected: connected, onSignal: onSignal) }
            }
            while state.connectedCount < base + mqttFollowers + wsFollowers { try await Task.sleep(for: .milliseconds(200)) }
            print("connected: \(wsFollowers) WebSocket and \(mqttFollowers) MQTT followers")

            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { emitters in
                for index in 0..<total {
                    try await Task.sleep(until: start + .milliseconds(index * 1000 / rate))
                    emitters.addTask {
                        state.sent(index)
                        try await emit(index: index, world: world)
                    }
                }
                try await emitters.waitForAll()
            }
            let expected = total * (wsFollowers + mqttFollowers)
            let deadline = ContinuousClock.now + .seconds(60)
            while state.receivedCount < expected, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let sorted = state.latencies.sorted()
            func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            print(String(format: "emitted %d signals at %d/s; delivered %d of %d (%.0f msg/s over %.1f s)", total, rate, state.receivedCount, expected, Double(state.receivedCount) / seconds, seconds))
            print(String(format: "latency emit → receipt: p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(0.5), percentile(0.99), sorted.last ?? 0))
            if let rss = rss() { print("relay RSS at the end: \(rss / 1024) MiB") }
            group.cancelAll()
        }
    }

    /// VmRSS of the relay, in KiB.
    func rss() -> Int? {
        guard let relayPid, let status = try? String(contentsOfFile: "/proc/\(relayPid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    func emit(index: Int, world: LoadWorld) async throws {
        var request = HTTPClientRequest(url: "\(relay)/v1/signals/\(world.strategyId)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(world.emitKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        let bundle = """
            {"identifier":"\(world.strategyId)","version":"1.0.0","signals":[{"topic":"orders","dependencies":null,"content":{"action":"create",\
            "strategy":"DailyTradingMode","symbol":"BTC/USDT","exchange":"binance","exchange_type":"spot","side":"buy","type":"buy_limit",\
            "quantity":0.01,"target_amount":"5%","order_id":"load-\(index)","limit_price":60000.0,"stop_price":null,"additional_orders":[]}}]}
            """
        request.body = .bytes(ByteBuffer(string: bundle))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        _ = try await response.body.collect(upTo: 1 << 20)
        if response.status != .accepted { print("emit \(index): HTTP \(response.status.code)") }
    }

    func mqttFollower(device: UUID, strategyId: String, connected: ConnectedCounter, onSignal: @escaping @Sendable (Int?) -> Void) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: mqttHost, port: mqttPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTDecoder(maxPacketBytes: 1 << 20, acceptingConnections: false)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTEncoder()))
                    return try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.connect(.init(protocolName: "MQTT", protocolLevel: 4, cleanSession: true, keepAliveSeconds: 0, clientId: "CommunityMQTTFeed", username: device.uuidString, password: nil)))
            try await outbound.write(.subscribe(packetId: 1, topics: [("t/\(strategyId)", 1)]))
            for try await packet in inbound {
                switch packet {
                case .suback: connected.increment()
                case .publish(let publish):
                    if let id = publish.packetId { try await outbound.write(.puback(packetId: id)) }
                    onSignal(Self.orderIndex(publish.payload))
                default: break
                }
            }
        }
    }

    func wsFollower(key: String, strategyId: String, connected: ConnectedCounter, onSignal: @escaping @Sendable (Int?) -> Void) async throws {
        let url = relay.replacingOccurrences(of: "http", with: "ws") + "/v1/signals/stream?access_token=\(key)"
        var logger = Logger(label: "ws")
        logger.logLevel = .error
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text("{\"type\":\"subscribe\",\"strategyId\":\"\(strategyId)\"}"))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                if text.hasPrefix("{\"type\":\"subscribed\"") { connected.increment() } else { onSignal(Self.orderIndex(Array(text.utf8))) }
            }
        }
    }

    /// The N of `"order_id":"load-N"`, found without parsing the whole message.
    static func orderIndex(_ bytes: [UInt8]) -> Int? {
        let marker = Array("\"order_id\":\"load-".utf8)
        guard let start = bytes.firstRange(of: marker)?.upperBound else { return nil }
        var value = 0
        for byte in bytes[start...] {
            guard (48...57).contains(byte) else { break }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}

/// Counters and timings shared by the emitter and every follower task.
final class LoadState: Sendable {
    let connected = ConnectedCounter()
    private let sentAt: Mutex<[ContinuousClock.Instant?]>
    private let latenciesMilliseconds = Mutex<[Double]>([])
    private let receivedTotal = Atomic<Int>(0)

    init(signals: Int) {
        sentAt = Mutex([ContinuousClock.Instant?](repeating: nil, count: signals))
    }

    func sent(_ index: Int) {
        sentAt.withLock { $0[index] = .now }
    }

    func received(_ index: Int?) {
        let now = ContinuousClock.now
        guard let index, let sent = sentAt.withLock({ index < $0.count ? $0[index] : nil }) else { return }
        let latency = now - sent
        latenciesMilliseconds.withLock { $0.append(Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15) }
        receivedTotal.add(1, ordering: .relaxed)
    }

    var receivedCount: Int { receivedTotal.load(ordering: .relaxed) }
    var connectedCount: Int { connected.value }
    var latencies: [Double] { latenciesMilliseconds.withLock { $0 } }
}

final class ConnectedCounter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() {
        count.add(1, ordering: .relaxed)
    }

    var value: Int { count.load(ordering: .relaxed) }
}
