import Crypto
import ExactJSON
import Foundation
import OctoBotFormats

/// One entry of a strategy's signal log: the envelope as stored, its place and its link in the
/// hash chain (`hash = sha256(prevHash ‖ envelope)`).
public struct SignalRecord: Sendable, Equatable {
    public let strategyId: String
    public let seq: Int64
    public let messageId: String
    public let receivedAt: Date
    public let prevHash: [UInt8]
    public let hash: [UInt8]
    /// The envelope's canonical bytes (compact JSON, as sent otherwise): what MQTT followers get.
    public let envelope: [UInt8]

    public init(strategyId: String, seq: Int64, messageId: String, receivedAt: Date, prevHash: [UInt8], hash: [UInt8], envelope: [UInt8]) {
        self.strategyId = strategyId
        self.seq = seq
        self.messageId = messageId
        self.receivedAt = receivedAt
        self.prevHash = prevHash
        self.hash = hash
        self.envelope = envelope
    }

    public static let zeroHash = [UInt8](repeating: 0, count: 32)

    public static func chainHash(previous: [UInt8], envelope: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: envelope)
        return Array(hasher.finalize())
    }

    /// The record as API.md shows it, with the envelope embedded byte for byte.
    public var json: [UInt8] {
        var text = "{\"strategyId\":" + Self.string(strategyId)
        text += ",\"seq\":\(seq),\"messageId\":" + Self.string(messageId)
        text += ",\"receivedAt\":" + Self.string(receivedAt.formatted(.iso8601))
        text += ",\"hash\":\"\(Self.hex(hash))\",\"prevHash\":\"\(Self.hex(prevHash))\",\"envelope\":"
        return Array(text.utf8) + envelope + Array("}".utf8)
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    private static func string(_ value: String) -> String {
        JSONWriter.text(.string(value))
    }
}
