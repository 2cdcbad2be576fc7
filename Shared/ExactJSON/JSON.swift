/// A JSON value that keeps what OctoBot's files depend on and `JSONSerialization` loses: the
/// order of object keys (exchanges are listed "in profile order") and the exact text of numbers
/// (a rewritten `profile.json` keeps `1000` as `1000`).
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written.
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    /// The value's JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var objectValue: JSONObject? {
        if case .object(let object) = self { object } else { nil }
    }

    public var arrayValue: [JSON]? {
        if case .array(let array) = self { array } else { nil }
    }

    public var stringValue: String? {
        if case .string(let string) = self { string } else { nil }
    }

    public var boolValue: Bool? {
        if case .bool(let bool) = self { bool } else { nil }
    }

    public var doubleValue: Double? {
        if case .number(let text) = self { Double(text) } else { nil }
    }

    /// The number when it is an integer that fits (`12`, not `12.0` or `1e3`).
    public var int64Value: Int64? {
        if case .number(let text) = self { Int64(text) } else { nil }
    }

    /// An integer, spelled as JSON spells it.
    public static func integer(_ value: some BinaryInteger) -> JSON {
        .number(String(value))
    }

    /// The member `key` when this is an object.
    public subscript(key: String) -> JSON? {
        objectValue?[key]
    }
}

/// A JSON object's members in document order.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSON)]

    public init(_ members: [(key: String, value: JSON)] = []) {
        self.members = members
    }

    public var keys: [String] { members.map(\.key) }

    public var isEmpty: Bool { members.isEmpty }

    public subscript(key: String) -> JSON? {
        members.first { $0.key == key }?.value
    }

    /// Keeps the members for which `isIncluded` is true, in order.
    public func filter(_ isIncluded: (String, JSON) -> Bool) -> JSONObject {
        JSONObject(members.filter { isIncluded($0.key, $0.value) })
    }

    /// Replaces the value of an existing member in place, or appends it.
    public mutating func set(_ key: String, _ value: JSON) {
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements.map { ($0.0, $0.1) })) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) { self.init(elements.map { ($0.0, $0.1) }) }
}
