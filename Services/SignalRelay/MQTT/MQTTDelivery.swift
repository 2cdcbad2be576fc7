import DequeModule
import Foundation
import Models
import MQTTWire
import NIOCore

/// The only writer of one MQTT connection, on its event loop: records as QoS 1 PUBLISH within a
/// bounded in-flight window (more wait, bounded: a follower that cannot keep up is closed and
/// resumes), and the session's own packets (CONNACK, SUBACK, PUBACK, …) in the order sent.
/// It sits in the pipeline between the decoder and the encoder: PUBACKs stop here (no task
/// wakes for one, and a read of PUBACKs alone goes no further down the pipeline), and its
/// writes go straight to the socket, records already encoded (`LiveRecord`).
/// It also closes a connection that is silent for 1.5 keep-alive periods (MQTT 3.1.1
/// §3.1.2.10), and one that sends no complete CONNECT within `connectTimeout` of being accepted
/// (bytes trickled in one at a time do not count: only whole packets do), with one timer on the
/// event loop per connection, armed for the earliest moment it could be overdue.
final class MQTTDeliveryHandler: ChannelDuplexHandler, RecordWriter {
    typealias InboundIn = MQTTPacket
    typealias InboundOut = MQTTPacket
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Settings: Sendable {
        let inflightWindow: Int
        let buffer: Int
        let connectTimeout: TimeAmount
        let resumeBook: MQTTResumeBook
        let clock: any WallClock
    }

    private struct Sent {
        let strategy: AckTracker.Slot
        let seq: Int64
        let committedAt: Date?
    }

    private let settings: Settings
    private let eventLoop: any EventLoop
    private var context: ChannelHandlerContext?
    private var allocator = ByteBufferAllocator()
    private var deviceId: UUID?
    private var inflight: [UInt16: Sent] = [:]
    private var waiting = Deque<(record: LiveRecord, strategy: AckTracker.Slot)>()
    private var nextId: UInt16 = 0
    private var acks = AckTracker()
    /// Resume points acknowledged in this read burst, handed to the book once at its end.
    private var acknowledgedThrough: [(strategy: AckTracker.Slot, seq: Int64)] = []
    /// Whether a packet went on to the session in this read burst: a burst of PUBACKs alone ends
    /// here, without a walk down the rest of the pipeline for each follower.
    private var forwardedRead = false
    private var isClosed = false
    /// Whole packets only: a silent connection is closed (keep-alive, CONNECT deadline).
    private var lastPacket = NIODeadline.now()
    /// The CONNECT's keep-alive, once accepted; 0 means none.
    private var keepAlive: TimeAmount?
    private var silenceCheck: Scheduled<Void>?
    /// Control packets written but not yet out: a client that sends requests (PINGREQ, PUBLISH)
    /// without reading the answers is closed once it has this many waiting.
    private var unwrittenControls = 0
    private static let maxUnwrittenControls = 1024
    /// Completed when the session's last packets are out (see `flushControls`).
    private var flushed: EventLoopPromise<Void>?

    init(settings: Settings, eventLoop: any EventLoop) {
        self.settings = settings
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        checkSilence(after: settings.connectTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        silenceCheck?.cancel()
    }

    /// The device the connection authenticated as (its acknowledgements are its resume points),
    /// and the keep-alive it asked for.
    func identify(_ deviceId: UUID, keepAliveSeconds: UInt16) {
        self.deviceId = deviceId
        keepAlive = .milliseconds(Int64(keepAliveSeconds) * 1500)
        silenceCheck?.cancel()
        if keepAliveSeconds > 0, let keepAlive { checkSilence(after: keepAlive) }
    }

    private func checkSilence(after delay: TimeAmount) {
        silenceCheck = eventLoop.assumeIsolated().scheduleTask(in: delay) {
            let limit = self.keepAlive ?? self.settings.connectTimeout
            guard limit > .zero else { return }  // keep-alive 0: none
            let silent = NIODeadline.now() - self.lastPacket
            if silent >= limit { self.context?.close(promise: nil) } else { self.checkSilence(after: limit - silent) }
        }
    }

    /// Sends `record` now if the window allows, else queues it; false once the connection is closing.
    func send(_ record: LiveRecord) -> Bool {
        guard !isClosed, let context else { return false }
        let strategy = acks.handed(record.strategyId, seq: record.seq)
        if inflight.count < settings.inflightWindow, waiting.isEmpty {
            write(record, of: strategy, context: context)
            context.flush()
        } else {
            guard waiting.count < settings.buffer else {
                fellBehind()
                return false
            }
            waiting.append((record, strategy))
        }
        return true
    }

    /// Writes one of the session's packets; false once the connection is closing.
    func control(_ packet: MQTTPacket) -> Bool {
        guard !isClosed, let context else { return false }
        guard unwrittenControls < Self.maxUnwrittenControls else {
            fellBehind()
            return false
        }
        var bytes = context.channel.allocator.buffer(capacity: 16)
        MQTTEncoder.write(packet, to: &bytes)
        unwrittenControls += 1
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.unwrittenControls -= 1
            if self.unwrittenControls == 0 { self.flushed?.succeed() }
        }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: written)
        return true
    }

    /// Succeeds once the session's packets written so far are out (a refusing CONNACK, the last
    /// SUBACK), or after `limit` for a client that does not read: the session closes then.
    func flushControls(within limit: TimeAmount) -> EventLoopFuture<Void> {
        guard unwrittenControls > 0 else { return eventLoop.makeSucceededVoidFuture() }
        let promise = flushed ?? eventLoop.makePromise(of: Void.self)
        flushed = promise
        eventLoop.assumeIsolated().scheduleTask(in: limit) { promise.succeed() }
        return promise.futureResult
    }

    /// Closes the connection: it cannot keep up with its strategies.
    func fellBehind() {
        guard !isClosed else { return }
        isClosed = true
        RelayMetrics.slowFollowerDisconnected()
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastPacket = .now()
        guard case .puback(let packetId) = unwrapInboundIn(data) else {
            forwardedRead = true
            return context.fireChannelRead(data)
        }
        guard let sent = inflight.removeValue(forKey: packetId) else { return }
        if let committed = sent.committedAt { RelayMetrics.acknowledged(committedAt: committed, now: settings.clock.now()) }
        let point = acks.acknowledged(sent.strategy, seq: sent.seq)
        if let last = acknowledgedThrough.indices.last, acknowledgedThrough[last].strategy == sent.strategy {
            acknowledgedThrough[last].seq = point
        } else {
            acknowledgedThrough.append((sent.strategy, point))
        }
        var wrote = false
        while inflight.count < settings.inflightWindow, let next = waiting.popFirst() {
            write(next.record, of: next.strategy, context: context)
            wrote = true
        }
        if wrote { context.flush() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let deviceId, !acknowledgedThrough.isEmpty {
            // In burst order: a later point of a strategy comes after its earlier one, and the
            // book keeps the highest.
            for (strategy, seq) in acknowledgedThrough {
                settings.resumeBook.note(ResumeKey(deviceId: deviceId, strategyId: acks.strategyId(of: strategy)), ackedThrough: seq)
            }
            acknowledgedThrough.removeAll(keepingCapacity: true)
        }
        guard forwardedRead else { return }
        forwardedRead = false
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        waiting.removeAll()
        silenceCheck?.cancel()
        context.fireChannelInactive()
    }

    private func write(_ record: LiveRecord, of strategy: AckTracker.Slot, context: ChannelHandlerContext) {
        repeat { nextId = nextId &+ 1 } while nextId == 0 || inflight[nextId] != nil
        inflight[nextId] = Sent(strategy: strategy, seq: record.seq, committedAt: record.receivedAt)
        let start = MQTTPublishEncoding.start(head: record.mqttHead, packetId: nextId, allocator: allocator)
        context.write(wrapOutboundOut(start), promise: nil)
        context.write(wrapOutboundOut(record.mqttPayload), promise: nil)
    }
}

/// An MQTT connection's writer as the session and its subscriptions reach it.
typealias MQTTFollowerLink = FollowerLink<MQTTDeliveryHandler>

extension FollowerLink where Writer == MQTTDeliveryHandler {
    func identify(_ deviceId: UUID, keepAliveSeconds: UInt16) {
        onLoop { $0.identify(deviceId, keepAliveSeconds: keepAliveSeconds) }
    }

    /// Sends one of the session's packets from any thread, after everything sent before it.
    func control(_ packet: MQTTPacket) {
        onLoop { _ = $0.control(packet) }
    }

    /// Once the session's packets sent so far are out, or after `limit`.
    func flushControls(within limit: TimeAmount) async {
        let flushed = eventLoop.flatSubmit { self.writer.value.flushControls(within: limit) }
        try? await flushed.get()
    }
}
