import Foundation

/// The body of every message on `astrolab.events`:
/// `{"id", "type", "version", "occurredAt", "data"}`. Encoded and decoded only here.
public struct EventEnvelope: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let version: Int
    public let occurredAt: Date
    /// The whole message as received, from which `payload(as:)` decodes `data`.
    public let bytes: [UInt8]

    /// Why a consumer refuses an event: it is not what the consumer expects, or newer than it understands.
    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    private struct Header: Codable {
        @LowercaseUUID var id: UUID
        let type: String
        let version: Int
        let occurredAt: Date
    }

    private struct Full<Payload: Codable>: Codable {
        @LowercaseUUID var id: UUID
        let type: String
        let version: Int
        let occurredAt: Date
        let data: Payload
    }

    /// Parses the envelope around an event from the broker (the payload is decoded on demand).
    public init(bytes: [UInt8]) throws {
        let header: Header
        do {
            header = try Self.decoder.decode(Header.self, from: Data(bytes))
        } catch {
            throw Unsupported(description: "not an event envelope: \(error)")
        }
        id = header.id
        type = header.type
        version = header.version
        occurredAt = header.occurredAt
        self.bytes = bytes
    }

    /// Wraps `event` for publishing.
    public init<Event: DomainEvent>(_ event: Event, id: UUID = UUID(), occurredAt: Date) throws {
        self.id = id
        type = Event.type
        version = Event.version
        self.occurredAt = occurredAt
        bytes = Array(try Self.encoder.encode(Full(id: id, type: Event.type, version: Event.version, occurredAt: occurredAt, data: event)))
    }

    /// The payload, if this envelope carries an `Event` of a version this build understands.
    public func payload<Event: DomainEvent>(as: Event.Type) throws -> Event {
        guard type == Event.type else {
            throw Unsupported(description: "expected \(Event.type), got \(type)")
        }
        guard version <= Event.version else {
            throw Unsupported(description: "\(type) version \(version) is newer than this build understands (\(Event.version))")
        }
        do {
            return try Self.decoder.decode(Full<Event>.self, from: Data(bytes)).data
        } catch {
            throw Unsupported(description: "\(type) payload does not match version \(version): \(error)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
