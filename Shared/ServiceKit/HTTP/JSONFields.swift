import ExactJSON

/// Reads the fields of a JSON object body and collects every problem, so a 422 names each field
/// that is missing, of the wrong type or invalid.
public struct JSONFields: Sendable {
    let object: JSONObject
    public private(set) var errors: [ProblemDetails.FieldError] = []

    public init(_ object: JSONObject) {
        self.object = object
    }

    /// Records a problem with a field found by the caller's own validation.
    public mutating func reject(_ field: String, _ message: String) {
        errors.append(.init(field: field, message: message))
    }

    public mutating func requiredString(_ field: String) -> String? {
        guard let value = object[field], value != .null else {
            reject(field, "is required")
            return nil
        }
        return string(value, field: field)
    }

    public mutating func optionalString(_ field: String) -> String? {
        guard let value = object[field], value != .null else { return nil }
        return string(value, field: field)
    }

    public mutating func optionalStringArray(_ field: String, maxCount: Int = 100) -> [String]? {
        guard let value = object[field], value != .null else { return nil }
        guard case .array(let items) = value else {
            reject(field, "must be an array of strings, got \(value.typeName)")
            return nil
        }
        guard items.count <= maxCount else {
            reject(field, "must have at most \(maxCount) items")
            return nil
        }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            if let string = string(item, field: "\(field)[\(index)]") {
                strings.append(string)
            }
        }
        return strings.count == items.count ? strings : nil
    }

    public mutating func requiredStringArray(_ field: String, maxCount: Int = 100) -> [String]? {
        guard object[field] != nil, object[field] != .null else {
            reject(field, "is required")
            return nil
        }
        return optionalStringArray(field, maxCount: maxCount)
    }

    /// A JSON object field, kept as it was sent (user metadata, a bot's activity times).
    public mutating func optionalObject(_ field: String) -> JSONObject? {
        guard let value = object[field], value != .null else { return nil }
        guard case .object(let members) = value else {
            reject(field, "must be an object, got \(value.typeName)")
            return nil
        }
        return members
    }

    /// Whether the body has this member at all (even as null): PATCH-style bodies change only what they name.
    public func contains(_ field: String) -> Bool {
        object[field] != nil
    }

    /// The body's member names, for refusing the ones an endpoint does not know.
    public var names: [String] { object.keys }

    /// A whole number (JSON has only one number type: `3.0` counts, `3.5` does not).
    public mutating func requiredInt(_ field: String) -> Int? {
        guard let value = object[field], value != .null else {
            reject(field, "is required")
            return nil
        }
        guard let number = value.doubleValue, number == number.rounded(), abs(number) < 1e15 else {
            reject(field, "must be a whole number, got \(value.typeName)")
            return nil
        }
        return Int(number)
    }

    private mutating func string(_ value: JSON, field: String) -> String? {
        guard case .string(let string) = value else {
            reject(field, "must be a string, got \(value.typeName)")
            return nil
        }
        // PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
        guard !string.unicodeScalars.contains("\u{0}") else {
            reject(field, "must not contain NUL characters")
            return nil
        }
        return string
    }
}

extension String {
    /// The length as JSON Schema counts it, in code points (not Swift's grapheme clusters), so
    /// a limit in docs/openapi.yaml and the service's check are the same rule.
    public var jsonLength: Int { unicodeScalars.count }

    /// Whether it holds a control or format character (Unicode categories Cc and Cf). Decided
    /// from the character database rather than `CharacterSet.controlCharacters`, which on Linux
    /// also flags some variation selectors.
    public var containsControlCharacters: Bool {
        unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }
    }
}
