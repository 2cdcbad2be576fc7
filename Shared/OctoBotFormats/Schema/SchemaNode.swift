import ExactJSON

/// A JSON Schema subset: what OctoBot's profile schema uses, plus one thing it cannot say — that
/// an unknown key is worth a warning rather than an error.
public final class SchemaNode: Sendable {
    public enum ValueType: String, Sendable, CaseIterable {
        case object, array, string, number, integer, boolean, null
    }

    /// What to do with object keys that neither `properties` nor `anyKey` describe.
    public enum UnknownKeys: Sendable, Equatable {
        case allowed
        case warn
        case refused
    }

    public let types: Set<ValueType>?
    public let properties: [String: SchemaNode]
    /// The schema of every key (JSON Schema's `patternProperties: {"^.*$": ...}`).
    public let anyKey: SchemaNode?
    public let unknownKeys: UnknownKeys
    public let required: [String]
    public let items: SchemaNode?
    public let uniqueItems: Bool
    public let minimum: Double?
    public let maximum: Double?
    /// JSON Schema's `enum`: the only values allowed, compared as JSON (so `2` and `2.0` are one value).
    public let allowedValues: [JSON]?

    public init(
        types: Set<ValueType>? = nil, properties: [String: SchemaNode] = [:], anyKey: SchemaNode? = nil,
        unknownKeys: UnknownKeys = .allowed, required: [String] = [], items: SchemaNode? = nil,
        uniqueItems: Bool = false, minimum: Double? = nil, maximum: Double? = nil, allowedValues: [JSON]? = nil
    ) {
        self.types = types
        self.properties = properties
        self.anyKey = anyKey
        self.unknownKeys = unknownKeys
        self.required = required
        self.items = items
        self.uniqueItems = uniqueItems
        self.minimum = minimum
        self.maximum = maximum
        self.allowedValues = allowedValues
    }
}

extension SchemaNode {
    /// An object with these properties.
    public static func object(
        _ properties: [String: SchemaNode] = [:], anyKey: SchemaNode? = nil, required: [String] = [],
        unknownKeys: UnknownKeys = .allowed
    ) -> SchemaNode {
        SchemaNode(types: [.object], properties: properties, anyKey: anyKey, unknownKeys: unknownKeys, required: required)
    }

    public static func array(of items: SchemaNode, unique: Bool = false) -> SchemaNode {
        SchemaNode(types: [.array], items: items, uniqueItems: unique)
    }

    public static func number(minimum: Double? = nil, maximum: Double? = nil) -> SchemaNode {
        SchemaNode(types: [.number], minimum: minimum, maximum: maximum)
    }

    public static func integer(minimum: Double? = nil, maximum: Double? = nil) -> SchemaNode {
        SchemaNode(types: [.integer], minimum: minimum, maximum: maximum)
    }

    /// One of these values and nothing else.
    public static func oneOf(_ values: [JSON]) -> SchemaNode {
        SchemaNode(allowedValues: values)
    }

    public static let string = SchemaNode(types: [.string])
    public static let nullableString = SchemaNode(types: [.string, .null])
    public static let boolean = SchemaNode(types: [.boolean])
    public static let anything = SchemaNode()
}
