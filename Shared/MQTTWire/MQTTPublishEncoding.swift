import NIOCore

/// A QoS 1 PUBLISH encoded once for many connections. Its bytes are the same for every
/// follower of a topic except the 2-byte packet id, which sits between the topic and the
/// payload: so the fixed header and topic are one shared buffer, the payload another, and each
/// connection writes them around its own id (`writePacketId`), with no copy of the payload.
public enum MQTTPublishEncoding {
    /// The shared parts of a QoS 1, non-retained, first-delivery PUBLISH of `payload` to `topic`.
    public static func encode(topic: String, payload: [UInt8]) -> (head: ByteBuffer, payload: ByteBuffer) {
        let topicBytes = Array(topic.utf8)
        var head = ByteBuffer()
        head.writeInteger(PacketType.publish.header(flags: 1 << PublishFlags.qosShift))  // QoS 1
        // The topic and the packet id, each after a 2-byte length or as 2 bytes, then the payload.
        RemainingLength.write(2 + topicBytes.count + 2 + payload.count, to: &head)
        head.writeInteger(UInt16(topicBytes.count))
        head.writeBytes(topicBytes)
        return (head, ByteBuffer(bytes: payload))
    }

    /// One connection's start of the packet: the shared head and its packet id. Written before
    /// the shared payload, it makes the whole PUBLISH.
    public static func start(head: ByteBuffer, packetId: UInt16, allocator: ByteBufferAllocator) -> ByteBuffer {
        var start = allocator.buffer(capacity: head.readableBytes + 2)
        start.writeImmutableBuffer(head)
        start.writeInteger(packetId)
        return start
    }
}
