import DequeModule
import Foundation
import Models
import NIOCore
import NIOWebSocket

/// Writes the server's frames to one follower WebSocket, on its event loop: records (their text
/// encoded once for every follower, `LiveRecord`) and the protocol's own frames, in the order
/// they are sent. What the socket cannot take yet waits, bounded: a client that stops reading
/// fills it and is closed (it resumes from the log with `after`), so it never delays anyone.
final class WebSocketDeliveryHandler: ChannelDuplexHandler, RecordWriter {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let buffer: Int
    private let clock: any WallClock
    private var context: ChannelHandlerContext?
    private var waiting = Deque<ByteBuffer>()
    private var isClosed = false
    /// When the last records sent were committed, by strategy, oldest first, for the latency of
    /// `ack` frames. Only recent ones are kept: a client that never acks costs nothing.
    private var unacknowledged: [String: Deque<(seq: Int64, committedAt: Date)>] = [:]
    private static let acknowledgementsKept = 256

    init(buffer: Int, clock: any WallClock) {
        self.buffer = buffer
        self.clock = clock
    }

    func send(_ record: LiveRecord) -> Bool {
        guard send(text: record.webSocketText) else { return false }
        if let committedAt = record.receivedAt {
            var recent = unacknowledged.removeValue(forKey: record.strategyId) ?? []
            if recent.count == Self.acknowledgementsKept { recent.removeFirst() }
            recent.append((record.seq, committedAt))
            unacknowledged[record.strategyId] = recent
        }
        return true
    }

    /// An `ack` frame: the follower has `seq` (and, records coming in order, all before it).
    func acknowledged(strategyId: String, seq: Int64) {
        guard var recent = unacknowledged.removeValue(forKey: strategyId) else { return }
        while let oldest = recent.first, oldest.seq <= seq {
            recent.removeFirst()
            if oldest.seq == seq { RelayMetrics.acknowledged(committedAt: oldest.committedAt, now: clock.now()) }
        }
        unacknowledged[strategyId] = recent
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends one text frame; false once the connection is closing.
    func send(text: ByteBuffer) -> Bool {
        guard !isClosed, let context else { return false }
        if waiting.isEmpty, context.channel.isWritable {
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: text)), promise: nil)
            return true
        }
        guard waiting.count < buffer else {
            fellBehind()
            return false
        }
        waiting.append(text)
        return true
    }

    func fellBehind() {
        guard !isClosed else { return }
        isClosed = true
        RelayMetrics.slowFollowerDisconnected()
        context?.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        var wrote = false
        while context.channel.isWritable, let text = waiting.popFirst() {
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: text)), promise: nil)
            wrote = true
        }
        if wrote { context.flush() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        waiting.removeAll()
        context.fireChannelInactive()
    }
}

/// A follower WebSocket as a subscription's destination, and the session's way to send frames
/// in order with the records.
typealias WebSocketFollowerLink = FollowerLink<WebSocketDeliveryHandler>

extension FollowerLink where Writer == WebSocketDeliveryHandler {
    func acknowledged(strategyId: String, seq: Int64) {
        onLoop { $0.acknowledged(strategyId: strategyId, seq: seq) }
    }

    /// Sends a frame of the protocol's own from any thread, after everything sent before it.
    func send(frame: String) {
        onLoop { _ = $0.send(text: ByteBuffer(string: frame)) }
    }
}
