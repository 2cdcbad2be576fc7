import NIOCore

/// The MQTT 3.1.1 control packets the relay reads and writes (no QoS 2: the relay grants QoS 1
/// at most, and stock OctoBot bots never ask for more).
enum MQTTPacket: Sendable, Equatable {
    struct Connect: Sendable, Equatable {
        var protocolName: String
        var protocolLevel: UInt8
        var cleanSession: Bool
        var keepAliveSeconds: UInt16
        var clientId: String
        var username: String?
        var password: [UInt8]?
    }

    struct Publish: Sendable, Equatable {
        var topic: String
        var qos: UInt8
        var retain: Bool
        var duplicate: Bool
        var packetId: UInt16?
        var payload: [UInt8]
    }

    case connect(Connect)
    case connack(sessionPresent: Bool, returnCode: UInt8)
    case publish(Publish)
    case puback(packetId: UInt16)
    case subscribe(packetId: UInt16, topics: [(filter: String, qos: UInt8)])
    case suback(packetId: UInt16, returnCodes: [UInt8])
    case unsubscribe(packetId: UInt16, filters: [String])
    case unsuback(packetId: UInt16)
    case pingreq
    case pingresp
    case disconnect

    static func == (lhs: MQTTPacket, rhs: MQTTPacket) -> Bool {
        switch (lhs, rhs) {
        case (.connect(let a), .connect(let b)): a == b
        case (.connack(let a1, let a2), .connack(let b1, let b2)): a1 == b1 && a2 == b2
        case (.publish(let a), .publish(let b)): a == b
        case (.puback(let a), .puback(let b)): a == b
        case (.subscribe(let a1, let a2), .subscribe(let b1, let b2)):
            a1 == b1 && a2.count == b2.count && zip(a2, b2).allSatisfy { $0.filter == $1.filter && $0.qos == $1.qos }
        case (.suback(let a1, let a2), .suback(let b1, let b2)): a1 == b1 && a2 == b2
        case (.unsubscribe(let a1, let a2), .unsubscribe(let b1, let b2)): a1 == b1 && a2 == b2
        case (.unsuback(let a), .unsuback(let b)): a == b
        case (.pingreq, .pingreq), (.pingresp, .pingresp), (.disconnect, .disconnect): true
        default: false
        }
    }

    /// CONNACK return codes (MQTT 3.1.1 §3.2.2.3).
    enum ConnectReturnCode {
        static let accepted: UInt8 = 0x00
        static let unacceptableProtocolVersion: UInt8 = 0x01
        static let badUsernameOrPassword: UInt8 = 0x04
        static let notAuthorized: UInt8 = 0x05
    }

    /// The SUBACK return code of a refused topic filter.
    static let subscriptionFailure: UInt8 = 0x80
}

/// Why a byte stream is not valid MQTT; the connection is closed.
struct MQTTProtocolError: Error, CustomStringConvertible {
    let description: String
}
