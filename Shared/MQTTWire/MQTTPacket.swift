import NIOCore

/// The MQTT 3.1.1 control packets the relay reads and writes (no QoS 2: the relay grants QoS 1
/// at most, and stock OctoBot bots never ask for more).
public enum MQTTPacket: Sendable, Equatable {
    public struct Connect: Sendable, Equatable {
        /// The protocol level of MQTT 3.1.1, the only version the relay speaks.
        public static let protocolLevel311: UInt8 = 4

        public var protocolName: String
        public var protocolLevel: UInt8
        public var cleanSession: Bool
        public var keepAliveSeconds: UInt16
        public var clientId: String
        public var username: String?
        public var password: [UInt8]?

        public init(
            protocolName: String, protocolLevel: UInt8, cleanSession: Bool, keepAliveSeconds: UInt16, clientId: String,
            username: String?, password: [UInt8]?
        ) {
            self.protocolName = protocolName
            self.protocolLevel = protocolLevel
            self.cleanSession = cleanSession
            self.keepAliveSeconds = keepAliveSeconds
            self.clientId = clientId
            self.username = username
            self.password = password
        }
    }

    public struct Publish: Sendable, Equatable {
        public var topic: String
        public var qos: UInt8
        public var retain: Bool
        public var duplicate: Bool
        public var packetId: UInt16?
        public var payload: [UInt8]

        public init(topic: String, qos: UInt8, retain: Bool, duplicate: Bool, packetId: UInt16?, payload: [UInt8]) {
            self.topic = topic
            self.qos = qos
            self.retain = retain
            self.duplicate = duplicate
            self.packetId = packetId
            self.payload = payload
        }
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

    public static func == (lhs: MQTTPacket, rhs: MQTTPacket) -> Bool {
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
    public enum ConnectReturnCode {
        public static let accepted: UInt8 = 0x00
        public static let unacceptableProtocolVersion: UInt8 = 0x01
        public static let badUsernameOrPassword: UInt8 = 0x04
        public static let notAuthorized: UInt8 = 0x05
    }

    /// The SUBACK return code of a topic filter granted at QoS 1.
    public static let subscriptionGrantedQoS1: UInt8 = 0x01
    /// The SUBACK return code of a refused topic filter.
    public static let subscriptionFailure: UInt8 = 0x80
}

/// Why a byte stream is not valid MQTT; the connection is closed.
public struct MQTTProtocolError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}
