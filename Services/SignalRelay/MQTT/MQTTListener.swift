import MQTTWire
import Logging
import Models
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The MQTT 3.1.1 listener stock OctoBot bots follow signals with (OCTOBOT.md §3). Each
/// connection is its own session (many bots share the client id `CommunityMQTTFeed`, so
/// sessions are never keyed by it); a broken connection affects nobody else.
struct MQTTListener: Service {
    /// Largest packet accepted: a signal envelope (256 KiB) and its headers.
    static let maxPacketBytes = 256 * 1024 + 1024

    let host: String
    let port: Int
    let flow: FollowFlow
    let ingest: SignalIngest
    let database: PostgresClient
    let buffer: Int
    let inflightWindow: Int
    let connectTimeout: Duration
    let resume: MQTTResumePolicy
    let resumeBook: MQTTResumeBook
    let clock: any WallClock
    let logger: Logger
    /// Told the port once bound (tests listen on port 0).
    var onBound: (@Sendable (Int) -> Void)?

    func run() async throws {
        let context = MQTTSession.Context(
            flow: flow, ingest: ingest, database: database, strategies: PostgresStrategyDirectory(client: database, logger: logger),
            devices: PostgresDeviceDirectory(client: database, logger: logger),
            users: PostgresUserDirectory(client: database, logger: logger), resume: resume,
            resumeBook: resumeBook, clock: clock, logger: logger
        )
        let delivery = MQTTDeliveryHandler.Settings(
            inflightWindow: inflightWindow, buffer: buffer, connectTimeout: TimeAmount(connectTimeout), resumeBook: resumeBook,
            clock: clock
        )
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                var listenPort = port
                // NIO reports a connection that fails while being set up (a socket option refused)
                // as an error of the listening channel, which ends its stream of connections. One
                // bot's connection must not end the listener, let alone the process: log it and
                // listen again on the same port. Sessions already running are not affected.
                while !Task.isCancelled {
                    let server = try await bind(port: listenPort, delivery: delivery)
                    listenPort = server.channel.localAddress?.port ?? listenPort
                    do {
                        try await server.executeThenClose { connections in
                            for try await connection in connections {
                                group.addTask {
                                    RelayMetrics.mqttOpened()
                                    defer { RelayMetrics.mqttClosed() }
                                    await MQTTSession(context: context, channel: connection.channel, link: connection.link).run()
                                }
                            }
                        }
                        return  // the listener was closed: shutting down
                    } catch where !Task.isCancelled {
                        logger.error("MQTT listener failed; listening again", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// An accepted connection: its packets, and its records' way out (`MQTTDeliveryHandler`).
    struct Connection: Sendable {
        let channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>
        let link: MQTTFollowerLink
    }

    private func bind(port: Int, delivery: MQTTDeliveryHandler.Settings) async throws -> NIOAsyncChannel<Connection, Never> {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A TCP-level option: `.socketOption(.tcp_nodelay)` would set SOL_SOCKET's option of the
            // same number, SO_DEBUG, which needs privileges and fails every connection of a non-root relay.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Followers send little (PUBACKs, pings): start reads small, grow for authors' signals.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65_536))
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = MQTTDeliveryHandler(settings: delivery, eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTDecoder(maxPacketBytes: Self.maxPacketBytes, acceptingConnections: true)))
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTEncoder()))
                    return Connection(
                        channel: try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel),
                        link: MQTTFollowerLink(writer: handler, eventLoop: channel.eventLoop)
                    )
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        logger.info("MQTT listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        onBound?(boundPort)
        return server
    }
}
