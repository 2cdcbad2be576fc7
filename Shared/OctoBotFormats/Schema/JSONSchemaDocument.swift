import ExactJSON

/// Reads a JSON Schema document (the subset OctoBot's profile schema uses) into a `SchemaNode`,
/// so the bot's own schema file can judge what Astrolab produces. Unsupported keywords are an
/// error rather than silently ignored: a check that skips rules would pass anything.
public enum JSONSchemaDocument {
    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    public static func node(from schema: JSON, at path: String = "#") throws -> SchemaNode {
        guard let object = schema.objectValue else { throw Unsupported(description: "\(path) is not a schema object") }
        let known: Set<String> = [
            "type", "properties", "patternProperties", "additionalProperties", "required", "items", "uniqueItems",
            "minimum", "maximum", "$schema", "title", "description",
        ]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw Unsupported(description: "\(path): keyword \(unknown) is not supported")
        }
        var properties: [String: SchemaNode] = [:]
        for (key, value) in object["properties"]?.objectValue?.members ?? [] {
            properties[key] = try node(from: value, at: "\(path)/properties/\(key)")
        }
        var anyKey: SchemaNode?
        if let patterns = object["patternProperties"]?.objectValue {
            guard patterns.members.count == 1, let (pattern, value) = patterns.members.first, pattern == "^.*$" else {
                throw Unsupported(description: "\(path): only the pattern ^.*$ is supported in patternProperties")
            }
            anyKey = try node(from: value, at: "\(path)/patternProperties")
        }
        let unknownKeys: SchemaNode.UnknownKeys
        switch object["additionalProperties"] {
        case nil, .bool(true): unknownKeys = .allowed
        case .bool(false): unknownKeys = .refused
        default: throw Unsupported(description: "\(path): additionalProperties must be a boolean")
        }
        return SchemaNode(
            types: try types(object["type"], at: path),
            properties: properties,
            anyKey: anyKey,
            unknownKeys: unknownKeys,
            required: object["required"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            items: try object["items"].map { try node(from: $0, at: "\(path)/items") },
            uniqueItems: object["uniqueItems"]?.boolValue ?? false,
            minimum: object["minimum"]?.doubleValue,
            maximum: object["maximum"]?.doubleValue
        )
    }

    private static func types(_ value: JSON?, at path: String) throws -> Set<SchemaNode.ValueType>? {
        guard let value else { return nil }
        let names = value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
        let types = names.compactMap(SchemaNode.ValueType.init(rawValue:))
        guard !types.isEmpty, types.count == names.count else { throw Unsupported(description: "\(path): bad type \(value)") }
        return Set(types)
    }
}
