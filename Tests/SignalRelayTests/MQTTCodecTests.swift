import MQTTWire
import NIOCore
import Testing

@testable import SignalRelay

@Suite("MQTT 3.1.1 codec")
struct MQTTCodecTests {
    static let packets: [MQTTPacket] = [
        .connect(.init(protocolName: "MQTT", protocolLevel: 4, cleanSession: true, keepAliveSeconds: 60, clientId: "CommunityMQTTFeed", username: "7d3c1f0e-0000-4000-8000-000000000001", password: nil)),
        .connack(sessionPresent: false, returnCode: 5),
        .publish(.init(topic: "t/abcd1234", qos: 1, retain: false, duplicate: false, packetId: 7, payload: Array("{\"u\":\"1\"}".utf8))),
        .publish(.init(topic: "t/abcd1234", qos: 0, retain: true, duplicate: false, packetId: nil, payload: [UInt8](repeating: 0x41, count: 200_000))),
        .puback(packetId: 65535),
        .subscribe(packetId: 1, topics: [("t/abcd1234", 1), ("cfg/x", 1)]),
        .suback(packetId: 1, returnCodes: [1, 0x80]),
        .unsubscribe(packetId: 2, filters: ["t/abcd1234"]),
        .unsuback(packetId: 2),
        .pingreq, .pingresp, .disconnect,
    ]

    func decode(_ bytes: [UInt8], max: Int = 1 << 20) throws -> MQTTPacket? {
        var buffer = ByteBuffer(bytes: bytes)
        return try MQTTDecoder.parse(&buffer, maxPacketBytes: max)
    }

    func encode(_ packet: MQTTPacket) -> [UInt8] {
        var buffer = ByteBuffer()
        MQTTEncoder.write(packet, to: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test("every packet survives a round trip, also when it arrives a byte at a time", arguments: packets.indices)
    func roundTrip(index: Int) throws {
        let packet = Self.packets[index]
        let bytes = encode(packet)
        #expect(try decode(bytes) == packet)
        // Split delivery: nothing until the last byte, then the packet, with nothing consumed early.
        var buffer = ByteBuffer()
        for (position, byte) in bytes.enumerated() {
            buffer.writeInteger(byte)
            let parsed = try MQTTDecoder.parse(&buffer, maxPacketBytes: 1 << 20)
            #expect((parsed == nil) == (position < bytes.count - 1))
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test(
        "malformed packets are protocol errors",
        arguments: [
            [0x10, 0xFF, 0xFF, 0xFF, 0x7F],  // a 256 MiB remaining length
            [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // a 5-byte remaining length
            [0x11, 0x00],  // CONNECT with reserved flags
            [0x80, 0x03, 0x00, 0x01, 0x00],  // SUBSCRIBE with flags 0 instead of 2
            [0x82, 0x02, 0x00, 0x01],  // SUBSCRIBE without topics
            [0x82, 0x07, 0x00, 0x01, 0x00, 0x02, 0xC3, 0x28, 0x01],  // a topic that is not UTF-8
            [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x03],  // requested QoS 3
            [0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01],  // PUBLISH with QoS 3
            [0x40, 0x03, 0x00, 0x01, 0x00],  // PUBACK with a trailing byte
            [0xF0, 0x00],  // reserved packet type 15
            [0x10, 0x02, 0x00, 0x09],  // CONNECT whose protocol name runs past the packet
        ] as [[UInt8]]
    )
    func malformed(bytes: [UInt8]) {
        #expect(throws: MQTTProtocolError.self) { try decode(bytes, max: 256 * 1024) }
    }

    @Test("a packet over the size limit is refused from its header, before its body arrives")
    func oversized() throws {
        let header = Array(encode(.publish(.init(topic: "t/x", qos: 0, retain: false, duplicate: false, packetId: nil, payload: [UInt8](repeating: 1, count: 2000)))).prefix(3))
        #expect(throws: MQTTProtocolError.self) { try decode(header, max: 1000) }
    }
}

@Suite("MQTT: what may begin a connection")
struct MQTTConnectStartTests {
    @Test(
        "the beginnings of a CONNECT are let through, byte by byte",
        arguments: [[], [0x10], [0x10, 0x8C], [0x10, 0x8C, 0x01], [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51], [0x10, 0x0C, 0x00, 0x06, 0x4D, 0x51, 0x49, 0x73, 0x64, 0x70, 0x03]] as [[UInt8]]
    )
    func connectStarts(bytes: [UInt8]) throws {
        try MQTTDecoder.refuseUnlessConnectStart(ByteBuffer(bytes: bytes))
    }

    @Test(
        "anything else is refused from its first bytes",
        arguments: [Array("GET ".utf8), [0x30], [0x82, 0x05], [0x10, 0x0C, 0x00, 0x05], [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x52]] as [[UInt8]]
    )
    func notConnectStarts(bytes: [UInt8]) {
        #expect(throws: MQTTProtocolError.self) { try MQTTDecoder.refuseUnlessConnectStart(ByteBuffer(bytes: bytes)) }
    }
}

@Suite("MQTT: a PUBLISH encoded once for many connections")
struct MQTTPublishEncodingTests {
    @Test("shared head, packet id and shared payload make the same bytes as the packet encoded whole", arguments: [0, 1, 126, 127, 16_383, 16_384, 70_000])
    func sameBytes(payloadSize: Int) throws {
        let payload = (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0) }
        let (head, shared) = MQTTPublishEncoding.encode(topic: "t/abcdefghij", payload: payload)
        for packetId: UInt16 in [1, 0x1234, .max] {
            var split = MQTTPublishEncoding.start(head: head, packetId: packetId, allocator: ByteBufferAllocator())
            split.writeImmutableBuffer(shared)
            var whole = ByteBuffer()
            MQTTEncoder.write(.publish(.init(topic: "t/abcdefghij", qos: 1, retain: false, duplicate: false, packetId: packetId, payload: payload)), to: &whole)
            #expect(split == whole)
            var parsed = split
            let packet = try MQTTDecoder.parse(&parsed, maxPacketBytes: 1 << 20)
            #expect(packet == .publish(.init(topic: "t/abcdefghij", qos: 1, retain: false, duplicate: false, packetId: packetId, payload: payload)))
        }
    }
}
