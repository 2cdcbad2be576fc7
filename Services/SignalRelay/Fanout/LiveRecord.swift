import Foundation
import Models
import OctoBotFormats

/// A record as relayed to followers: its number, the record JSON (WebSocket) and the envelope
/// (MQTT), parsed once per delivery and shared by every connection.
struct LiveRecord: Sendable {
    let strategyId: String
    let seq: Int64
    let record: [UInt8]
    let envelope: [UInt8]
    let receivedAt: Date?
    /// The WebSocket `signal` frame, built once per record rather than once per follower.
    let webSocketFrame: String

    init(_ record: SignalRecord) {
        strategyId = record.strategyId
        seq = record.seq
        self.record = record.json
        envelope = record.envelope
        receivedAt = record.receivedAt
        webSocketFrame = Self.frame(for: self.record)
    }

    /// Reads a record as published on `astrolab.signals`.
    init?(body: [UInt8]) {
        guard let json = try? JSONParser.parse(body), let strategyId = json["strategyId"]?.stringValue,
            let seqText = json["seq"], case .number(let number) = seqText, let seq = Int64(number), let envelope = json["envelope"]
        else { return nil }
        self.strategyId = strategyId
        self.seq = seq
        record = body
        self.envelope = JSONWriter.bytes(envelope)
        receivedAt = json["receivedAt"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) }
        webSocketFrame = Self.frame(for: body)
    }

    private static func frame(for record: [UInt8]) -> String {
        "{\"type\":\"signal\",\"record\":" + String(decoding: record, as: UTF8.self) + "}"
    }
}
