import ArgumentParser
import Foundation
import Histogram
import Logging
import NIOCore
import NIOPosix

/// Fan-out of one strategy's signals to many followers, the same way against the relay and
/// against a reference broker (mosquitto): one author publishing a real OctoBot envelope over
/// MQTT at QoS 1 at a fixed rate, N followers on MQTT (and, for the relay, on WebSocket), and
/// what comes out: deliveries per second, publish → receipt latency, PUBACK latency, missing and
/// duplicate copies, this generator's own CPU, the server's CPU and memory.
/// `Benchmarks/Fanout/run` starts both servers and runs the same arguments against each.
@main
struct FanoutBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fanout-benchmark", abstract: "Signal fan-out: the relay or mosquitto, same load.")

    enum Server: String, ExpressibleByArgument {
        case relay
        case mosquitto
    }

    @Option(help: "relay (sets up users, strategy and devices in --database-url) or mosquitto.") var server: Server = .relay
    @Option var mqttHost = "127.0.0.1"
    @Option var mqttPort = 1884
    @Option(help: "The relay's HTTP port, for WebSocket followers.") var httpPort = 8085
    @Option(help: "The installation's database (relay only).") var databaseURL = "postgres://postgres@127.0.0.1:5432/astrolab"
    @Option(help: "MQTT followers receiving signals.") var followers = 1000
    @Option(help: "WebSocket followers receiving signals (relay only).") var wsFollowers = 0
    @Option(help: "Followers connected and subscribed to a silent topic first (memory).") var idleFollowers = 0
    @Option(help: "Signals per second.") var rate = 20
    @Option(help: "Seconds of publishing.") var duration = 10
    @Option(help: "The envelope to publish.") var payload = "Tests/Fixtures/octobot/signals/mqtt_payload_example.json"
    @Option(help: "The server's process id, for its CPU and memory.") var serverPid: Int?
    @Option(help: "Event loop threads of this generator.") var threads = 1
    @Option(help: "A label for the report line.") var label = ""

    func run() async throws {
        var logger = Logger(label: "fanout-benchmark")
        logger.logLevel = .warning
        let messages = rate * duration
        let target = try await Target.make(self, logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let tallies = Tallies(group: group)

        if idleFollowers > 0 {
            try await connectFollowers(target.usernames.suffix(idleFollowers), topic: target.silentTopic, messages: 1, group: group, tallies: Tallies(group: group))
        }
        let idleRSS = serverPid.flatMap(Self.rss)
        try await connectFollowers(target.usernames.prefix(followers), topic: target.topic, messages: messages, group: group, tallies: tallies)
        for _ in 0..<wsFollowers {
            let loop = group.next()
            let subscribed = loop.makePromise(of: Void.self)
            try await WebSocketFollower.connect(host: mqttHost, port: httpPort, key: target.followKey, strategyId: target.strategyId, on: loop) {
                [strategyId = target.strategyId] in
                WebSocketFollowerHandler(strategyId: strategyId, messages: messages, tally: tallies.tally(on: loop), subscribed: subscribed)
            }
            try await subscribed.futureResult.get()
        }

        // The author's bot has a thread of its own: on a followers' loop its PUBACKs would wait
        // behind the thousands of deliveries that loop reads, and the generator would be timed, not the server.
        let publisherGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let publisher = try await Publisher.connect(host: mqttHost, port: mqttPort, username: target.publisherUsername, on: publisherGroup.next())
        let (cpuBefore, serverBefore) = (Self.ownCPU(), serverPid.flatMap(Self.cpuSeconds))
        let template = try PayloadTemplate(file: payload, strategyId: target.strategyId)
        let window = try await PublishSchedule(channel: publisher.channel, handler: publisher.handler, context: publisher.context, topic: target.topic, template: template)
            .run(count: messages, rate: rate)
        let expected = messages * (followers + wsFollowers)
        // Until everything arrived, or nothing more arrives for 10 s.
        var result = try await tallies.merged()
        var lastProgress = ContinuousClock.now
        while result.delivered < expected, ContinuousClock.now - lastProgress < .seconds(10) {
            try await Task.sleep(for: .milliseconds(200))
            let next = try await tallies.merged()
            if next.delivered > result.delivered { lastProgress = .now }
            result = next
        }
        let elapsed = Double(max(result.lastReceipt, window.end) - window.start) / 1e9
        let cpu = (Self.ownCPU() - cpuBefore) / elapsed
        let serverCPU = serverBefore.flatMap { before in serverPid.flatMap(Self.cpuSeconds).map { ($0 - before) / elapsed } }
        let acks = try await publisher.channel.eventLoop.submit { publisher.handler.value.acknowledged }.get()
        let report = Report(
            label: label.isEmpty ? server.rawValue : label, followers: followers, wsFollowers: wsFollowers, rate: rate, messages: messages,
            expected: expected, delivered: result.delivered, duplicates: result.duplicates, seconds: elapsed,
            p50: Self.ms(result.latency.valueAtPercentile(50)), p99: Self.ms(result.latency.valueAtPercentile(99)), max: Self.ms(result.latency.max),
            ackP50: Self.ms(acks.valueAtPercentile(50)), ackP99: Self.ms(acks.valueAtPercentile(99)), generatorCPU: cpu, serverCPU: serverCPU,
            serverRSSMiB: serverPid.flatMap(Self.rss).map { $0 / 1024 }, idleFollowers: idleFollowers, idleRSSMiB: idleRSS.map { $0 / 1024 }
        )
        report.print()
        try await group.shutdownGracefully()
        try await publisherGroup.shutdownGracefully()
    }

    /// Connects and subscribes followers, a few hundred at a time (a burst of thousands of
    /// connects would overflow the listen backlogs of both servers alike).
    private func connectFollowers(
        _ usernames: some Collection<String>, topic: String, messages: Int, group: MultiThreadedEventLoopGroup, tallies: Tallies
    ) async throws {
        let names = Array(usernames)
        for batch in stride(from: 0, to: names.count, by: 250) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for username in names[batch..<min(names.count, batch + 250)] {
                    tasks.addTask {
                        let loop = group.next()
                        let subscribed = loop.makePromise(of: Void.self)
                        _ = try await ClientBootstrap(group: loop)
                            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                            .channelInitializer { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    let handler = MQTTFollowerHandler(
                                        username: username, topic: topic, messages: messages, tally: tallies.tally(on: channel.eventLoop), subscribed: subscribed
                                    )
                                    try channel.pipeline.syncOperations.addHandler(handler)
                                }
                            }
                            .connect(host: mqttHost, port: mqttPort).get()
                        try await subscribed.futureResult.get()
                    }
                }
                try await tasks.waitForAll()
            }
        }
    }

    static func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }

    /// This process's CPU seconds so far (user + system).
    static func ownCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Another process's CPU seconds so far, from /proc (utime + stime, in clock ticks).
    static func cpuSeconds(_ pid: Int) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ")")?.upperBound
        else { return nil }
        let fields = stat[afterName...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// VmRSS of a process, in KiB.
    static func rss(_ pid: Int) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}

/// Who publishes and who follows, on which topics.
struct Target: Sendable {
    let strategyId: String
    let topic: String
    let silentTopic: String
    let publisherUsername: String
    let usernames: [String]
    let followKey: String

    static func make(_ options: FanoutBenchmark, logger: Logger) async throws -> Target {
        let count = options.followers + options.idleFollowers
        switch options.server {
        case .mosquitto:
            let tag = UUID().uuidString.prefix(8).lowercased()
            return Target(
                strategyId: "bench-\(tag)", topic: "t/bench-\(tag)", silentTopic: "t/silent-\(tag)", publisherUsername: "author",
                usernames: (0..<count).map { _ in UUID().uuidString }, followKey: ""
            )
        case .relay:
            let world = try await RelayWorld.make(databaseURL: options.databaseURL, devices: count, logger: logger)
            return Target(
                strategyId: world.strategyId, topic: "t/\(world.strategyId)", silentTopic: "t/\(world.silentStrategyId)",
                publisherUsername: world.authorDevice.uuidString, usernames: world.devices.map(\.uuidString), followKey: world.followKey
            )
        }
    }
}

/// The author's connection, its handler reachable on its loop.
struct Publisher: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<MQTTPublisherHandler>
    let context: NIOLoopBound<ChannelHandlerContext>

    static func connect(host: String, port: Int, username: String, on loop: any EventLoop) async throws -> Publisher {
        let connected = loop.makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MQTTPublisherHandler(username: username, connected: connected))
                }
            }
            .connect(host: host, port: port).get()
        try await connected.futureResult.get()
        return try await loop.submit {
            let context = try channel.pipeline.syncOperations.context(handlerType: MQTTPublisherHandler.self)
            guard let handler = context.handler as? MQTTPublisherHandler else { throw MQTTFrames.Refused() }
            return Publisher(channel: channel, handler: NIOLoopBound(handler, eventLoop: loop), context: NIOLoopBound(context, eventLoop: loop))
        }.get()
    }
}

/// One run's figures: a line for people, a JSON line for `Benchmarks/Fanout/run`'s table.
struct Report: Codable {
    let label: String
    let followers: Int
    let wsFollowers: Int
    let rate: Int
    let messages: Int
    let expected: Int
    let delivered: Int
    let duplicates: Int
    let seconds: Double
    let p50: Double
    let p99: Double
    let max: Double
    let ackP50: Double
    let ackP99: Double
    let generatorCPU: Double
    let serverCPU: Double?
    let serverRSSMiB: Int?
    let idleFollowers: Int
    let idleRSSMiB: Int?

    var deliveriesPerSecond: Double { Double(delivered) / seconds }

    func print() {
        Swift.print(
            String(
                format: "%@: %d MQTT + %d WS followers × %d/s: delivered %d of %d (%d missing, %d duplicates), %.0f deliveries/s; "
                    + "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; PUBACK p50 %.1f ms, p99 %.1f ms; generator CPU %.2f core, server CPU %@, RSS %@",
                label, followers, wsFollowers, rate, delivered, expected, expected - delivered, duplicates, deliveriesPerSecond,
                p50, p99, max, ackP50, ackP99, generatorCPU, serverCPU.map { String(format: "%.2f core", $0) } ?? "?",
                serverRSSMiB.map { "\($0) MiB" } ?? "?"
            )
        )
        if idleFollowers > 0 { Swift.print("\(label): \(idleFollowers) idle followers connected and subscribed: server RSS \(idleRSSMiB.map { "\($0) MiB" } ?? "?")") }
        if let json = try? JSONEncoder().encode(self) { Swift.print("REPORT " + String(decoding: json, as: UTF8.self)) }
    }
}
