import ArgumentParser
import ExactJSON
import Foundation
import Histogram
import MQTTWire
import NIOCore
import NIOPosix
import OctoBotFormats

/// A real OctoBot envelope (Tests/Fixtures/octobot/signals/mqtt_payload_example.json) addressed
/// to the run's strategy, cut around its `u` so each message gets its stamp with one copy.
struct PayloadTemplate: Sendable {
    let prefix: [UInt8]
    let suffix: [UInt8]

    init(file: String, strategyId: String) throws {
        guard case .object(var envelope) = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file)))),
            case .object(var bundle)? = envelope["s"]
        else { throw ValidationError("\(file) is not an OctoBot signal envelope") }
        bundle.set("identifier", .string(strategyId))
        envelope = envelope.filter { key, _ in key != "u" }
        envelope.set("s", .object(bundle))
        let placeholder = "STAMP-PLACEHOLDER"
        envelope.set("u", .string(placeholder))
        let bytes = JSONWriter.bytes(.object(envelope))
        guard let hole = bytes.firstRange(of: Array(placeholder.utf8)) else { throw ValidationError("the stamp has no place in \(file)") }
        prefix = Array(bytes[..<hole.lowerBound])
        suffix = Array(bytes[hole.upperBound...])
    }

    func payload(stamp: String) -> [UInt8] {
        prefix + Array(stamp.utf8) + suffix
    }
}

/// The author's bot: QoS 1 PUBLISH at a fixed rate on one connection, each PUBACK timed.
final class MQTTPublisherHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let username: String
    private let connected: EventLoopPromise<Void>
    private var pending = ByteBuffer()
    private var sentAt: [UInt16: UInt64] = [:]
    /// PUBLISH → PUBACK, in microseconds.
    private(set) var acknowledged = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    private(set) var unacknowledged = 0

    init(username: String, connected: EventLoopPromise<Void>) {
        self.username = username
        self.connected = connected
    }

    func channelActive(context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 128)
        MQTTEncoder.write(
            .connect(.init(protocolName: "MQTT", protocolLevel: 4, cleanSession: true, keepAliveSeconds: 0, clientId: "bench-publisher", username: username, password: nil)),
            to: &out
        )
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func publish(topic: String, packetId: UInt16, payload: [UInt8], context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: payload.count + topic.utf8.count + 16)
        MQTTEncoder.write(.publish(.init(topic: topic, qos: 1, retain: false, duplicate: false, packetId: packetId, payload: payload)), to: &out)
        sentAt[packetId] = monotonicNanoseconds()
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    var outstanding: Int { sentAt.count }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if pending.readableBytes == 0 { pending = bytes } else { pending.writeBuffer(&bytes) }
        while let frame = MQTTFrames.next(&pending) {
            var body = frame.body
            switch frame.type {
            case PacketType.connack.rawValue:
                if body.readInteger(as: UInt16.self).map({ $0 & 0xFF }) == 0 { connected.succeed() } else { connected.fail(MQTTFrames.Refused()) }
            case PacketType.puback.rawValue:
                if let id = body.readInteger(as: UInt16.self), let sent = sentAt.removeValue(forKey: id) {
                    _ = acknowledged.record((monotonicNanoseconds() - sent) / 1000)
                }
            default:
                break
            }
        }
        pending.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connected.fail(ChannelError.ioOnClosedChannel)
    }
}

/// Runs `count` publishes at `rate` per second from the publisher's own event loop, each on
/// its scheduled instant (a late one does not shift the rest: coordinated omission stays visible).
struct PublishSchedule {
    let channel: any Channel
    let handler: NIOLoopBound<MQTTPublisherHandler>
    let context: NIOLoopBound<ChannelHandlerContext>
    let topic: String
    let template: PayloadTemplate

    func run(count: Int, rate: Int) async throws -> (start: UInt64, end: UInt64) {
        let loop = channel.eventLoop
        let done = loop.makePromise(of: UInt64.self)
        let start = NIODeadline.now() + .milliseconds(50)
        let interval = 1_000_000_000 / Int64(rate)
        let (handler, context, topic, template) = (handler, context, topic, template)
        for index in 0..<count {
            loop.scheduleTask(deadline: start + .nanoseconds(interval * Int64(index))) {
                let now = monotonicNanoseconds()
                let packetId = UInt16(index % 65_535 + 1)
                handler.value.publish(topic: topic, packetId: packetId, payload: template.payload(stamp: MessageStamp.value(index: index, sentAt: now)), context: context.value)
                if index == count - 1 { done.succeed(now) }
            }
        }
        let end = try await done.futureResult.get()
        return (start.uptimeNanoseconds, end)
    }
}
