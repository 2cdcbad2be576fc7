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
    private static let connectHeader: UInt8 = 0x10  // packet type 1, no flags
    private static let protocolNamePrefixes: [[UInt8]] = [[0, 4] + Array("MQTT".utf8), [0, 6] + Array("MQIsdp".utf8)]

    /// Throws unless the bytes received so far can be the start of a CONNECT packet.
    public static func refuseUnlessConnectStart(_ buffer: ByteBuffer) throws {
        var peek = buffer
        guard let first = peek.readInteger(as: UInt8.self) else { return }
        guard first == connectHeader else {
            throw MQTTProtocolError(description: "the first packet must be CONNECT, got byte \(first)")
        }
        // Skip the remaining length (up to 4 bytes), then compare what has come of the body.
        for _ in 0..<4 {
            guard let byte = peek.readInteger(as: UInt8.self) else { return }
            if byte & 0x80 == 0 { break }
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
        for index in 0..<4 {
            guard let byte = peek.readInteger(as: UInt8.self) else { return nil }
            length += Int(byte & 0x7F) * multiplier
            if byte & 0x80 == 0 { break }
            guard index < 3 else { throw MQTTProtocolError(description: "remaining length longer than 4 bytes") }
            multiplier *= 128
        }
        guard length <= maxPacketBytes else {
            throw MQTTProtocolError(description: "packet of \(length) bytes; at most \(maxPacketBytes) are accepted")
        }
        guard var body = peek.readSlice(length: length) else { return nil }
        buffer = peek
        let type = first >> 4
        let flags = first & 0x0F
        func requireFlags(_ expected: UInt8) throws {
            guard flags == expected else { throw MQTTProtocolError(description: "packet type \(type) with reserved flags \(flags)") }
        }
        let packet: MQTTPacket
        switch type {
        case 1:
            try requireFlags(0)
            packet = .connect(try parseConnect(&body))
        case 3:
            let qos = (flags >> 1) & 0x03
            guard qos < 3 else { throw MQTTProtocolError(description: "PUBLISH with QoS 3") }
            let topic = try readString(&body)
            let packetId = qos > 0 ? try readUInt16(&body) : nil
            packet = .publish(.init(
                topic: topic, qos: qos, retain: flags & 0x01 != 0, duplicate: flags & 0x08 != 0, packetId: packetId,
                payload: Array(body.readableBytesView)
            ))
            body.moveReaderIndex(to: body.writerIndex)
        case 4:
            try requireFlags(0)
            packet = .puback(packetId: try readUInt16(&body))
        case 8:
            try requireFlags(0b0010)
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
        case 10:
            try requireFlags(0b0010)
            let packetId = try readUInt16(&body)
            var filters: [String] = []
            while body.readableBytes > 0 { filters.append(try readString(&body)) }
            guard !filters.isEmpty else { throw MQTTProtocolError(description: "UNSUBSCRIBE without topic filters") }
            packet = .unsubscribe(packetId: packetId, filters: filters)
        case 12:
            try requireFlags(0)
            packet = .pingreq
        case 14:
            try requireFlags(0)
            packet = .disconnect
        case 2:
            packet = .connack(sessionPresent: (body.readInteger(as: UInt8.self) ?? 0) & 1 == 1, returnCode: body.readInteger(as: UInt8.self) ?? 0)
        case 9:
            packet = .suback(packetId: try readUInt16(&body), returnCodes: Array(body.readableBytesView))
            body.moveReaderIndex(to: body.writerIndex)
        case 11:
            packet = .unsuback(packetId: try readUInt16(&body))
        case 13:
            packet = .pingresp
        default:
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
        guard flags & 0x01 == 0 else { throw MQTTProtocolError(description: "CONNECT with the reserved flag set") }
        let keepAlive = try readUInt16(&body)
        let clientId = try readString(&body)
        if flags & 0x04 != 0 {  // will topic and message: read and ignored, the relay keeps no wills
            _ = try readString(&body)
            _ = try readBinary(&body)
        }
        let username = flags & 0x80 != 0 ? try readString(&body) : nil
        let password = flags & 0x40 != 0 ? try readBinary(&body) : nil
        return .init(
            protocolName: name, protocolLevel: level, cleanSession: flags & 0x02 != 0, keepAliveSeconds: keepAlive,
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
            first = 0x10
            writeString(connect.protocolName, to: &body)
            body.writeInteger(connect.protocolLevel)
            var flags: UInt8 = connect.cleanSession ? 0x02 : 0
            if connect.username != nil { flags |= 0x80 }
            if connect.password != nil { flags |= 0x40 }
            body.writeInteger(flags)
            body.writeInteger(connect.keepAliveSeconds)
            writeString(connect.clientId, to: &body)
            if let username = connect.username { writeString(username, to: &body) }
            if let password = connect.password {
                body.writeInteger(UInt16(password.count))
                body.writeBytes(password)
            }
        case .connack(let sessionPresent, let returnCode):
            first = 0x20
            body.writeInteger(UInt8(sessionPresent ? 1 : 0))
            body.writeInteger(returnCode)
        case .publish(let publish):
            first = 0x30 | (publish.duplicate ? 0x08 : 0) | (publish.qos << 1) | (publish.retain ? 1 : 0)
            writeString(publish.topic, to: &body)
            if let packetId = publish.packetId { body.writeInteger(packetId) }
            body.writeBytes(publish.payload)
        case .puback(let packetId):
            first = 0x40
            body.writeInteger(packetId)
        case .subscribe(let packetId, let topics):
            first = 0x82
            body.writeInteger(packetId)
            for (filter, qos) in topics {
                writeString(filter, to: &body)
                body.writeInteger(qos)
            }
        case .suback(let packetId, let codes):
            first = 0x90
            body.writeInteger(packetId)
            body.writeBytes(codes)
        case .unsubscribe(let packetId, let filters):
            first = 0xA2
            body.writeInteger(packetId)
            for filter in filters { writeString(filter, to: &body) }
        case .unsuback(let packetId):
            first = 0xB0
            body.writeInteger(packetId)
        case .pingreq: first = 0xC0
        case .pingresp: first = 0xD0
        case .disconnect: first = 0xE0
        }
        out.writeInteger(first)
        var length = body.readableBytes
        repeat {
            var byte = UInt8(length % 128)
            length /= 128
            if length > 0 { byte |= 0x80 }
            out.writeInteger(byte)
        } while length > 0
        out.writeBuffer(&body)
    }

    private static func writeString(_ string: String, to body: inout ByteBuffer) {
        let bytes = Array(string.utf8)
        body.writeInteger(UInt16(bytes.count))
        body.writeBytes(bytes)
    }
}
