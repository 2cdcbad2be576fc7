import NIOCore

/// Reads MQTT 3.1.1 packets from bytes, refusing anything malformed: reserved flags, remaining
/// lengths over `maxPacketBytes` (checked before buffering anything), truncated fields, invalid
/// UTF-8 in strings. On a server's side, until a CONNECT has arrived, bytes that cannot begin
/// one (an HTTP request sent to the MQTT port, any other packet) are refused as soon as they
/// arrive, without waiting for the remaining length they seem to announce.
public struct MQTTDecoder: ByteToMessageDecoder {
    public typealias InboundOut = MQTTPacket

    public let maxPacketBytes: Int
    private var awaitingConnect: Bool

    /// `acceptingConnections`: this side is the server, so the first packet must be CONNECT.
    public init(maxPacketBytes: Int, acceptingConnections: Bool) {
        self.maxPacketBytes = maxPacketBytes
        awaitingConnect = acceptingConnections
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if awaitingConnect { try Self.refuseUnlessConnectStart(buffer) }
        guard let packet = try Self.parse(&buffer, maxPacketBytes: maxPacketBytes) else { return .needMoreData }
        if case .connect = packet { awaitingConnect = false }
        context.fireChannelRead(wrapInboundOut(packet))
        return .continue
    }

    /// The fixed header of a CONNECT, then a protocol name of "MQTT" (3.1.1 and 5) or "MQIsdp" (3.1).
    private static let connectHeader = PacketType.connect.header()
    private static let protocolNamePrefixes: [[UInt8]] = [[0, 4] + Array("MQTT".utf8), [0, 6] + Array("MQIsdp".utf8)]

    /// Throws unless the bytes received so far can be the start of a CONNECT packet.
    public static func refuseUnlessConnectStart(_ buffer: ByteBuffer) throws {
        var peek = buffer
        guard let first = peek.readInteger(as: UInt8.self) else { return }
        guard first == connectHeader else {
            throw MQTTProtocolError(description: "the first packet must be CONNECT, got byte \(first)")
        }
        // Skip the remaining length (up to 4 bytes), then compare what has come of the body.
        for _ in 0..<RemainingLength.maxBytes {
            guard let byte = peek.readInteger(as: UInt8.self) else { return }
            if byte & RemainingLength.continuation == 0 { break }
        }
        let received = Array(peek.readableBytesView.prefix(8))
        guard protocolNamePrefixes.contains(where: { $0.starts(with: received) || received.starts(with: $0) }) else {
            throw MQTTProtocolError(description: "CONNECT without the MQTT protocol name")
        }
    }

    /// One packet from the front of `buffer`, or nil when more bytes are needed.
    public static func parse(_ buffer: inout ByteBuffer, maxPacketBytes: Int) throws -> MQTTPacket? {
        var peek = buffer
        guard let first = peek.readInteger(as: UInt8.self) else { return nil }
        var length = 0
        var multiplier = 1
        for index in 0..<RemainingLength.maxBytes {
            guard let byte = peek.readInteger(as: UInt8.self) else { return nil }
            length += Int(byte & RemainingLength.valueMask) * multiplier
            if byte & RemainingLength.continuation == 0 { break }
            guard index < RemainingLength.maxBytes - 1 else { throw MQTTProtocolError(description: "remaining length longer than 4 bytes") }
            multiplier *= 128
        }
        guard length <= maxPacketBytes else {
            throw MQTTProtocolError(description: "packet of \(length) bytes; at most \(maxPacketBytes) are accepted")
        }
        guard var body = peek.readSlice(length: length) else { return nil }
        buffer = peek
        let type = first >> 4
        let flags = first & 0x0F  // the low four bits
        func requireFlags(_ expected: UInt8) throws {
            guard flags == expected else { throw MQTTProtocolError(description: "packet type \(type) with reserved flags \(flags)") }
        }
        let packet: MQTTPacket
        switch PacketType(rawValue: type) {
        case .connect:
            try requireFlags(0)
            packet = .connect(try parseConnect(&body))
        case .publish:
            let qos = (flags >> PublishFlags.qosShift) & PublishFlags.qosMask
            guard qos < 3 else { throw MQTTProtocolError(description: "PUBLISH with QoS 3") }
            let topic = try readString(&body)
            let packetId = qos > 0 ? try readUInt16(&body) : nil
            packet = .publish(.init(
                topic: topic, qos: qos, retain: flags & PublishFlags.retain != 0, duplicate: flags & PublishFlags.duplicate != 0, packetId: packetId,
                payload: Array(body.readableBytesView)
            ))
            body.moveReaderIndex(to: body.writerIndex)
        case .puback:
            try requireFlags(0)
            packet = .puback(packetId: try readUInt16(&body))
        case .subscribe:
            try requireFlags(PacketType.requiredFlags)
            let packetId = try readUInt16(&body)
            var topics: [(String, UInt8)] = []
            while body.readableBytes > 0 {
                let filter = try readString(&body)
                guard let qos = body.readInteger(as: UInt8.self), qos & 0xFC == 0, qos < 3 else {
                    throw MQTTProtocolError(description: "SUBSCRIBE with an invalid requested QoS")
                }
                topics.append((filter, qos))
            }
            guard !topics.isEmpty else { throw MQTTProtocolError(description: "SUBSCRIBE without topic filters") }
            packet = .subscribe(packetId: packetId, topics: topics)
        case .unsubscribe:
            try requireFlags(PacketType.requiredFlags)
            let packetId = try readUInt16(&body)
            var filters: [String] = []
            while body.readableBytes > 0 { filters.append(try readString(&body)) }
            guard !filters.isEmpty else { throw MQTTProtocolError(description: "UNSUBSCRIBE without topic filters") }
            packet = .unsubscribe(packetId: packetId, filters: filters)
        case .pingreq:
            try requireFlags(0)
            packet = .pingreq
        case .disconnect:
            try requireFlags(0)
            packet = .disconnect
        case .connack:
            packet = .connack(sessionPresent: (body.readInteger(as: UInt8.self) ?? 0) & 1 == 1, returnCode: body.readInteger(as: UInt8.self) ?? 0)
        case .suback:
            packet = .suback(packetId: try readUInt16(&body), returnCodes: Array(body.readableBytesView))
            body.moveReaderIndex(to: body.writerIndex)
        case .unsuback:
            packet = .unsuback(packetId: try readUInt16(&body))
        case .pingresp:
            packet = .pingresp
        case .pubrec, .pubrel, .pubcomp, nil:  // QoS 2 is refused at PUBLISH; 0 and 15 are reserved
            throw MQTTProtocolError(description: "unsupported packet type \(type)")
        }
        guard body.readableBytes == 0 else { throw MQTTProtocolError(description: "packet type \(type) has \(body.readableBytes) unexpected trailing bytes") }
        return packet
    }

    private static func parseConnect(_ body: inout ByteBuffer) throws -> MQTTPacket.Connect {
        let name = try readString(&body)
        guard let level = body.readInteger(as: UInt8.self) else { throw MQTTProtocolError(description: "truncated CONNECT") }
        guard name == "MQTT", level == MQTTPacket.Connect.protocolLevel311 else {
            // Another version lays out the rest differently (MQTT 5 adds properties): what matters
            // is only that it is not 3.1.1, so the session can answer CONNACK 0x01.
            body.moveReaderIndex(to: body.writerIndex)
            return .init(protocolName: name, protocolLevel: level, cleanSession: true, keepAliveSeconds: 0, clientId: "", username: nil, password: nil)
        }
        guard let flags = body.readInteger(as: UInt8.self) else { throw MQTTProtocolError(description: "truncated CONNECT") }
        guard flags & ConnectFlags.reserved == 0 else { throw MQTTProtocolError(description: "CONNECT with the reserved flag set") }
        let keepAlive = try readUInt16(&body)
        let clientId = try readString(&body)
        if flags & ConnectFlags.will != 0 {  // will topic and message: read and ignored, the relay keeps no wills
            _ = try readString(&body)
            _ = try readBinary(&body)
        }
        let username = flags & ConnectFlags.username != 0 ? try readString(&body) : nil
        let password = flags & ConnectFlags.password != 0 ? try readBinary(&body) : nil
        return .init(
            protocolName: name, protocolLevel: level, cleanSession: flags & ConnectFlags.cleanSession != 0, keepAliveSeconds: keepAlive,
            clientId: clientId, username: username, password: password
        )
    }

    private static func readUInt16(_ body: inout ByteBuffer) throws -> UInt16 {
        guard let value = body.readInteger(as: UInt16.self) else { throw MQTTProtocolError(description: "truncated packet") }
        return value
    }

    private static func readBinary(_ body: inout ByteBuffer) throws -> [UInt8] {
        let length = Int(try readUInt16(&body))
        guard let bytes = body.readBytes(length: length) else { throw MQTTProtocolError(description: "truncated field") }
        return bytes
    }

    private static func readString(_ body: inout ByteBuffer) throws -> String {
        let bytes = try readBinary(&body)
        guard let string = String(validating: bytes, as: UTF8.self), !string.unicodeScalars.contains("\u{0}") else {
            throw MQTTProtocolError(description: "a string field is not valid UTF-8")
        }
        return string
    }
}

/// Writes MQTT packets.
public struct MQTTEncoder: MessageToByteEncoder {
    public typealias OutboundIn = MQTTPacket

    public init() {}

    public func encode(data packet: MQTTPacket, out: inout ByteBuffer) throws {
        Self.write(packet, to: &out)
    }

    public static func write(_ packet: MQTTPacket, to out: inout ByteBuffer) {
        var body = ByteBuffer()
        let first: UInt8
        switch packet {
        case .connect(let connect):
            first = PacketType.connect.header()
            writeString(connect.protocolName, to: &body)
            body.writeInteger(connect.protocolLevel)
            var flags: UInt8 = connect.cleanSession ? ConnectFlags.cleanSession : 0
            if connect.username != nil { flags |= ConnectFlags.username }
            if connect.password != nil { flags |= ConnectFlags.password }
            body.writeInteger(flags)
            body.writeInteger(connect.keepAliveSeconds)
            writeString(connect.clientId, to: &body)
            if let username = connect.username { writeString(username, to: &body) }
            if let password = connect.password {
                body.writeInteger(UInt16(password.count))
                body.writeBytes(password)
            }
        case .connack(let sessionPresent, let returnCode):
            first = PacketType.connack.header()
            body.writeInteger(UInt8(sessionPresent ? 1 : 0))
            body.writeInteger(returnCode)
        case .publish(let publish):
            first = PacketType.publish.header(
                flags: (publish.duplicate ? PublishFlags.duplicate : 0) | publish.qos << PublishFlags.qosShift | (publish.retain ? PublishFlags.retain : 0)
            )
            writeString(publish.topic, to: &body)
            if let packetId = publish.packetId { body.writeInteger(packetId) }
            body.writeBytes(publish.payload)
        case .puback(let packetId):
            first = PacketType.puback.header()
            body.writeInteger(packetId)
        case .subscribe(let packetId, let topics):
            first = PacketType.subscribe.header(flags: PacketType.requiredFlags)
            body.writeInteger(packetId)
            for (filter, qos) in topics {
                writeString(filter, to: &body)
                body.writeInteger(qos)
            }
        case .suback(let packetId, let codes):
            first = PacketType.suback.header()
            body.writeInteger(packetId)
            body.writeBytes(codes)
        case .unsubscribe(let packetId, let filters):
            first = PacketType.unsubscribe.header(flags: PacketType.requiredFlags)
            body.writeInteger(packetId)
            for filter in filters { writeString(filter, to: &body) }
        case .unsuback(let packetId):
            first = PacketType.unsuback.header()
            body.writeInteger(packetId)
        case .pingreq: first = PacketType.pingreq.header()
        case .pingresp: first = PacketType.pingresp.header()
        case .disconnect: first = PacketType.disconnect.header()
        }
        out.writeInteger(first)
        RemainingLength.write(body.readableBytes, to: &out)
        out.writeBuffer(&body)
    }

    private static func writeString(_ string: String, to body: inout ByteBuffer) {
        let bytes = Array(string.utf8)
        body.writeInteger(UInt16(bytes.count))
        body.writeBytes(bytes)
    }
}
