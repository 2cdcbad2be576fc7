import MQTTWire
import NIOCore
import NIOPosix

/// One follower connection (its client id is its username: mosquitto, unlike the relay, lets
/// one client id hold one connection only), as lean as a C client: it reads the packets off the bytes itself
/// (no per-message allocation), answers each QoS 1 PUBLISH with a PUBACK, flushed once per read
/// burst, and tallies what arrived. The same client for mosquitto and for the relay.
final class MQTTFollowerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let username: String
    private let topic: String
    private let tally: Tally
    private let subscribed: EventLoopPromise<Void>
    private var received: ReceivedSet
    private var pending = ByteBuffer()
    private var acks = ByteBuffer()

    init(username: String, topic: String, messages: Int, tally: Tally, subscribed: EventLoopPromise<Void>) {
        self.username = username
        self.topic = topic
        self.tally = tally
        self.subscribed = subscribed
        received = ReceivedSet(capacity: messages)
    }

    func channelActive(context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 128)
        MQTTEncoder.write(
            .connect(.init(protocolName: "MQTT", protocolLevel: 4, cleanSession: true, keepAliveSeconds: 0, clientId: String(username.prefix(23)), username: username, password: nil)),
            to: &out
        )
        MQTTEncoder.write(.subscribe(packetId: 1, topics: [(filter: topic, qos: UInt8(1))]), to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if pending.readableBytes == 0 { pending = bytes } else { pending.writeBuffer(&bytes) }
        while let packet = MQTTFrames.next(&pending) {
            handle(packet, context: context)
        }
        pending.discardReadBytes()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard acks.readableBytes > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(acks), promise: nil)
        acks = context.channel.allocator.buffer(capacity: 64)
    }

    func channelInactive(context: ChannelHandlerContext) {
        subscribed.fail(ChannelError.ioOnClosedChannel)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        subscribed.fail(error)
        context.close(promise: nil)
    }

    private func handle(_ packet: MQTTFrames.Frame, context: ChannelHandlerContext) {
        switch packet.type {
        case PacketType.suback.rawValue:
            var body = packet.body
            _ = body.readInteger(as: UInt16.self)
            if body.readInteger(as: UInt8.self) == MQTTPacket.subscriptionFailure { subscribed.fail(MQTTFrames.Refused()) } else { subscribed.succeed() }
        case PacketType.publish.rawValue:
            var body = packet.body
            guard let topicLength = body.readInteger(as: UInt16.self) else { return }
            body.moveReaderIndex(forwardBy: Int(topicLength))
            if packet.flags & (PublishFlags.qosMask << PublishFlags.qosShift) != 0, let packetId = body.readInteger(as: UInt16.self) {
                acks.writeInteger(PacketType.puback.header())
                acks.writeInteger(UInt8(2))
                acks.writeInteger(packetId)
            }
            let now = monotonicNanoseconds()
            guard let stamp = body.withUnsafeReadableBytes(MessageStamp.read) else { return }
            if received.insert(stamp.index) { tally.received(sentAt: stamp.sentAt, now: now) } else { tally.duplicates += 1 }
        case PacketType.connack.rawValue:
            var body = packet.body
            if body.readInteger(as: UInt16.self).map({ $0 & 0xFF }) != 0 { subscribed.fail(MQTTFrames.Refused()) }
        default:
            break
        }
    }
}

/// MQTT's framing, read in place: a type-and-flags byte, a variable-length size, the body.
enum MQTTFrames {
    struct Frame {
        let type: UInt8
        let flags: UInt8
        let body: ByteBuffer
    }

    struct Refused: Error {}

    /// The next whole packet in `buffer`, consumed; nil (nothing consumed) until one is complete.
    static func next(_ buffer: inout ByteBuffer) -> Frame? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        var length = 0
        var shift = 0
        var offset = 1
        while true {
            guard offset <= RemainingLength.maxBytes, let byte = buffer.getInteger(at: start + offset, as: UInt8.self) else { return nil }
            length |= Int(byte & RemainingLength.valueMask) << shift
            offset += 1
            shift += 7
            if byte & RemainingLength.continuation == 0 { break }
        }
        guard let body = buffer.getSlice(at: start + offset, length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: offset + length)
        return Frame(type: first >> 4, flags: first & 0x0F, body: body)
    }
}
