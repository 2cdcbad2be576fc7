import ExactJSON
import Foundation
import Models
import MQTTWire
import NIOCore
import OctoBotFormats

/// A record as relayed to followers, encoded once for all of them: the MQTT PUBLISH (all but
/// its packet id, the only per-connection bytes) and the WebSocket `signal` frame's text. Every
/// connection writes the same buffers; none is copied per follower. A class: handing it to a
/// thousand followers moves one reference each, not its four buffers.
final class LiveRecord: Sendable {
    let strategyId: String
    let seq: Int64
    let receivedAt: Date?
    /// The PUBLISH of `t/<strategy>` at QoS 1 up to its packet id, then the envelope after it.
    let mqttHead: ByteBuffer
    let mqttPayload: ByteBuffer
    /// `{"type":"signal","record":<record>}`.
    let webSocketText: ByteBuffer

    convenience init(_ record: SignalRecord) {
        self.init(strategyId: record.strategyId, seq: record.seq, record: record.json, envelope: record.envelope, receivedAt: record.receivedAt)
    }

    /// Reads a record as published on `astrolab.signals`.
    convenience init?(body: [UInt8]) {
        guard let json = try? JSONParser.parse(body), let strategyId = json["strategyId"]?.stringValue,
            let seq = json["seq"]?.int64Value, let envelope = json["envelope"]
        else { return nil }
        self.init(
            strategyId: strategyId, seq: seq, record: body, envelope: JSONWriter.bytes(envelope),
            receivedAt: json["receivedAt"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) }
        )
    }

    private init(strategyId: String, seq: Int64, record: [UInt8], envelope: [UInt8], receivedAt: Date?) {
        self.strategyId = strategyId
        self.seq = seq
        self.receivedAt = receivedAt
        (mqttHead, mqttPayload) = MQTTPublishEncoding.encode(topic: "t/\(strategyId)", payload: envelope)
        var text = ByteBuffer()
        text.writeString("{\"type\":\"signal\",\"record\":")
        text.writeBytes(record)
        text.writeString("}")
        webSocketText = text
    }
}
