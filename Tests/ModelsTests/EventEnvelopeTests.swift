import Foundation
import Models
import Testing

@Suite("Event envelope")
struct EventEnvelopeTests {
    @Test("an event round-trips with its id, type, version and time")
    func roundTrip() throws {
        let event = SubscriptionEnded(subscriptionId: UUID(), userId: UUID(), strategyId: "abc123", reason: .expired)
        let id = UUID()
        let sent = try EventEnvelope(event, id: id, occurredAt: Date(timeIntervalSince1970: 1_800_000_000))
        let received = try EventEnvelope(bytes: sent.bytes)
        #expect(received.id == id)
        #expect(received.type == "subscription.ended")
        #expect(received.version == 1)
        #expect(try received.payload(as: SubscriptionEnded.self) == event)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sent.bytes)) as? [String: Any])
        #expect(json["occurredAt"] as? String == "2027-01-15T08:00:00Z")
        #expect((json["data"] as? [String: Any])?["reason"] as? String == "expired")
    }

    @Test("every id is written in lower case, the envelope's and the payload's, and read in either case")
    func lowerCaseIds() throws {
        let event = SubscriptionEnded(subscriptionId: UUID(), userId: UUID(), strategyId: "abc123", reason: .cancelled)
        let id = UUID()
        let sent = try EventEnvelope(event, id: id, occurredAt: Date())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sent.bytes)) as? [String: Any])
        let data = try #require(json["data"] as? [String: Any])
        #expect(json["id"] as? String == id.uuidString.lowercased())
        #expect(data["subscriptionId"] as? String == event.subscriptionId.uuidString.lowercased())
        #expect(data["userId"] as? String == event.userId.uuidString.lowercased())
        let upper = String(decoding: sent.bytes, as: UTF8.self).replacingOccurrences(of: id.uuidString.lowercased(), with: id.uuidString)
        #expect(try EventEnvelope(bytes: Array(upper.utf8)).id == id)
    }

    @Test("consumers refuse other types, newer versions and junk")
    func refusals() throws {
        let envelope = try EventEnvelope(DeviceDeleted(deviceId: UUID(), userId: UUID()), occurredAt: Date())
        #expect(throws: EventEnvelope.Unsupported.self) { try envelope.payload(as: APIKeyRevoked.self) }

        var json = try #require(try JSONSerialization.jsonObject(with: Data(envelope.bytes)) as? [String: Any])
        json["version"] = 2
        let newer = try EventEnvelope(bytes: Array(try JSONSerialization.data(withJSONObject: json)))
        #expect(throws: EventEnvelope.Unsupported.self) { try newer.payload(as: DeviceDeleted.self) }

        #expect(throws: EventEnvelope.Unsupported.self) { try EventEnvelope(bytes: Array("not json".utf8)) }
        json["version"] = 1
        json["data"] = ["deviceId": "not-a-uuid"]
        let mangled = try EventEnvelope(bytes: Array(try JSONSerialization.data(withJSONObject: json)))
        #expect(throws: EventEnvelope.Unsupported.self) { try mangled.payload(as: DeviceDeleted.self) }
    }
}
