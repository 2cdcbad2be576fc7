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
    let hub: RelayHub
    let ingest: SignalIngest
    let database: PostgresClient
    let buffer: Int
    let inflightWindow: Int
    let clock: any WallClock
    let logger: Logger
    /// Told the port once bound (tests listen on port 0).
    var onBound: (@Sendable (Int) -> Void)?

    func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTDecoder(maxPacketBytes: Self.maxPacketBytes)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTEncoder()))
                    return try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        logger.info("MQTT listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        onBound?(boundPort)
        let context = MQTTSession.Context(
            hub: hub, ingest: ingest, database: database, strategies: PostgresStrategyRepository(client: database, logger: logger),
            devices: PostgresDeviceRepository(client: database, logger: logger), users: PostgresUserRepository(client: database, logger: logger),
            buffer: buffer, inflightWindow: inflightWindow, clock: clock, logger: logger
        )
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask {
                            RelayMetrics.mqttOpened()
                            defer { RelayMetrics.mqttClosed() }
                            await MQTTSession(context: context, channel: connection).run()
                        }
                    }
                }
            }
        }
    }
}
