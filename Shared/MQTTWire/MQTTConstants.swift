import NIOCore

/// MQTT 3.1.1's control packet types: the high four bits of a packet's first byte (§2.2.1).
enum PacketType: UInt8 {
    case connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect

    /// A fixed header's first byte: this type and the packet's four flag bits.
    func header(flags: UInt8 = 0) -> UInt8 {
        rawValue << 4 | flags
    }

    /// The flags SUBSCRIBE, UNSUBSCRIBE (and PUBREL) must carry (§2.2.2).
    static let requiredFlags: UInt8 = 0b0010
}

/// The flag bits of a PUBLISH's fixed header (§3.3.1).
enum PublishFlags {
    static let retain: UInt8 = 0x01
    static let qosShift: UInt8 = 1
    static let qosMask: UInt8 = 0x03
    static let duplicate: UInt8 = 0x08
}

/// The flags byte of a CONNECT's variable header (§3.1.2.3).
enum ConnectFlags {
    static let reserved: UInt8 = 0x01
    static let cleanSession: UInt8 = 0x02
    static let will: UInt8 = 0x04
    static let password: UInt8 = 0x40
    static let username: UInt8 = 0x80
}

/// The remaining length's variable-length encoding (§2.2.3): seven bits a byte, the top bit
/// saying another byte follows, at most four bytes.
enum RemainingLength {
    static let continuation: UInt8 = 0x80
    static let valueMask: UInt8 = 0x7F
    static let maxBytes = 4

    static func write(_ length: Int, to out: inout ByteBuffer) {
        var length = length
        repeat {
            var byte = UInt8(length % 128)
            length /= 128
            if length > 0 { byte |= continuation }
            out.writeInteger(byte)
        } while length > 0
    }
}
