/// A member API.md says is always present, `null` when empty. A plain optional would also accept
/// the member missing altogether; this fails the decoding then, as a client reading it would.
@propertyWrapper
public struct AlwaysPresent<Value: Decodable & Sendable>: Decodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension AlwaysPresent: Equatable where Value: Equatable {}
