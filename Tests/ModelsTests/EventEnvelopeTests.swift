import Foundation
import Models
import Testing

/// The envelope as API.md §Events writes it, read as a consumer that does not share our types
/// would read it; only the members these tests look at.
private struct WrittenEnvelope: Decodable {
    /// A `subscription.ended` payload.
    struct Payload: Decodable {
        let subscriptionId: String
        let userId: String
        let reason: String
    }

    let id: String
    let occurredAt: String
    let data: Payload

    init(_ bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(bytes))
    }
}

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
        let written = try WrittenEnvelope(sent.bytes)
        #expect(written.occurredAt == "2027-01-15T08:00:00Z")
        #expect(written.data.reason == "expired")
    }

    @Test("every id is written in lower case, the envelope's and the payload's, and read in either case")
    func lowerCaseIds() throws {
        let event = SubscriptionEnded(subscriptionId: UUID(), userId: UUID(), strategyId: "abc123", reason: .cancelled)
        let id = UUID()
        let sent = try EventEnvelope(event, id: id, occurredAt: Date())
        let written = try WrittenEnvelope(sent.bytes)
        #expect(written.id == id.uuidString.lowercased())
        #expect(written.data.subscriptionId == event.subscriptionId.uuidString.lowercased())
        #expect(written.data.userId == event.userId.uuidString.lowercased())
        let upper = String(decoding: sent.bytes, as: UTF8.self).replacingOccurrences(of: id.uuidString.lowercased(), with: id.uuidString)
        #expect(try EventEnvelope(bytes: Array(upper.utf8)).id == id)
    }

    @Test("consumers refuse other types, newer versions and junk")
    func refusals() throws {
        let envelope = try EventEnvelope(DeviceDeleted(deviceId: UUID(), userId: UUID()), occurredAt: Date())
        #expect(throws: EventEnvelope.Unsupported.self) { try envelope.payload(as: APIKeyRevoked.self) }

        // Loose JSON on purpose: the test rewrites members to make envelopes a consumer must refuse.
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
