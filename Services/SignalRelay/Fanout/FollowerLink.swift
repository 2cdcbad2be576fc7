import NIOCore

#if compiler(>=6.2)
/// `FollowerLink` hands its writer to closures run on the event loop: the writer's type must be
/// sendable there (Swift 6.2 checks metatypes; the 6.1 toolchain of the container image has no
/// such protocol, and needs none).
typealias LoopSendableMetatype = SendableMetatype
#else
protocol LoopSendableMetatype {}
#endif

/// What writes records to one follower connection from inside its pipeline, on its event loop
/// (`MQTTDeliveryHandler`, `WebSocketDeliveryHandler`).
protocol RecordWriter: AnyObject, LoopSendableMetatype {
    /// Writes or queues `record`; false once the connection is closing.
    func send(_ record: LiveRecord) -> Bool
    /// Closes the connection, counted as a follower too slow to keep up.
    func fellBehind()
}

/// A connection's writer as subscriptions and sessions reach it: subscriptions call it on its
/// event loop, anyone else through `onLoop`, which runs after everything asked of it before.
final class FollowerLink<Writer: RecordWriter>: FollowerConnection {
    let eventLoop: any EventLoop
    let writer: NIOLoopBound<Writer>

    /// Call on the connection's event loop, with the writer in its pipeline.
    init(writer: Writer, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.writer = NIOLoopBound(writer, eventLoop: eventLoop)
    }

    func send(_ record: LiveRecord) -> Bool {
        writer.value.send(record)
    }

    func fellBehind() {
        writer.value.fellBehind()
    }

    /// Runs `body` with the writer on its event loop, from any thread.
    func onLoop(_ body: @escaping @Sendable (Writer) -> Void) {
        eventLoop.execute { body(self.writer.value) }
    }
}
