import NIOCore

/// MQTT 3.1.1's control packet types: the high four bits of a packet's first byte (§2.2.1).
public enum PacketType: UInt8, Sendable {
    case connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect

    /// A fixed header's first byte: this type and the packet's four flag bits.
    public func header(flags: UInt8 = 0) -> UInt8 {
        rawValue << 4 | flags
    }

    /// The flags SUBSCRIBE, UNSUBSCRIBE (and PUBREL) must carry (§2.2.2).
    public static let requiredFlags: UInt8 = 0b0010
}

/// The flag bits of a PUBLISH's fixed header (§3.3.1).
public enum PublishFlags {
    public static let retain: UInt8 = 0x01
    public static let qosShift: UInt8 = 1
    public static let qosMask: UInt8 = 0x03
    public static let duplicate: UInt8 = 0x08
}

/// The flags byte of a CONNECT's variable header (§3.1.2.3).
public enum ConnectFlags {
    public static let reserved: UInt8 = 0x01
    public static let cleanSession: UInt8 = 0x02
    public static let will: UInt8 = 0x04
    public static let password: UInt8 = 0x40
    public static let username: UInt8 = 0x80
}

/// The remaining length's variable-length encoding (§2.2.3): seven bits a byte, the top bit
/// saying another byte follows, at most four bytes.
public enum RemainingLength {
    public static let continuation: UInt8 = 0x80
    public static let valueMask: UInt8 = 0x7F
    public static let maxBytes = 4

    public static func write(_ length: Int, to out: inout ByteBuffer) {
        var length = length
        repeat {
            var byte = UInt8(length % 128)
            length /= 128
            if length > 0 { byte |= continuation }
            out.writeInteger(byte)
        } while length > 0
    }
}
