import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// One WebSocket follower of the relay (API.md's stream protocol), on an event loop like the
/// MQTT followers: it subscribes, answers pings, and tallies each `signal` frame's stamp.
final class WebSocketFollowerHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let strategyId: String
    private let tally: Tally
    private let subscribed: EventLoopPromise<Void>
    private var received: ReceivedSet

    init(strategyId: String, messages: Int, tally: Tally, subscribed: EventLoopPromise<Void>) {
        self.strategyId = strategyId
        self.tally = tally
        self.subscribed = subscribed
        received = ReceivedSet(capacity: messages)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let now = monotonicNanoseconds()
            if let stamp = frame.unmaskedData.withUnsafeReadableBytes(MessageStamp.read) {
                if received.insert(stamp.index) { tally.received(sentAt: stamp.sentAt, now: now) } else { tally.duplicates += 1 }
            } else if frame.unmaskedData.readableBytesView.starts(with: Array("{\"type\":\"subscribed\"".utf8)) {
                subscribed.succeed()
            }
        case .ping:
            send(.pong, frame.unmaskedData, context: context)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        subscribed.fail(ChannelError.ioOnClosedChannel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        subscribed.fail(error)
        context.close(promise: nil)
    }

    private func send(_ opcode: WebSocketOpcode, _ data: ByteBuffer, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(Self.frame(opcode, data)), promise: nil)
    }

    /// A client masks every frame it sends (RFC 6455 §5.3).
    static func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }
}

enum WebSocketFollower {
    enum Upgrade: Sendable {
        case upgraded(any Channel)
        case refused
    }

    /// Connects, upgrades with `key` as the access token, installs `handler` and subscribes to
    /// `strategyId` (once the upgrade is over: the HTTP handlers are gone by then).
    static func connect(
        host: String, port: Int, key: String, strategyId: String, on loop: any EventLoop, handler: @escaping @Sendable () -> WebSocketFollowerHandler
    ) async throws {
        let upgrade = try await ClientBootstrap(group: loop).connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 20) { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(handler())
                        return .upgraded(channel)
                    }
                }
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: "\(host):\(port)")
                headers.add(name: "Authorization", value: "Bearer \(key)")
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/signals/stream", headers: headers)
                let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                    upgradeRequestHead: head, upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.refused) }
                )
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: .init(upgradeConfiguration: configuration))
            }
        }
        guard case .upgraded(let channel) = try await upgrade.get() else { throw MQTTFrames.Refused() }
        let subscribe = ByteBuffer(string: "{\"type\":\"subscribe\",\"strategyId\":\"\(strategyId)\"}")
        try await channel.writeAndFlush(WebSocketFollowerHandler.frame(.text, subscribe))
    }
}
