import ExactJSON

/// One finding of schema validation, at a JSON path such as `config.exchanges.binance`.
public struct SchemaIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable {
        case error
        case warning
    }

    public let path: String
    public let message: String
    public let severity: Severity

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Checks a `JSON` value against a `SchemaNode`, collecting every issue rather than stopping at the first.
public enum SchemaValidator {
    public static func validate(_ value: JSON, against node: SchemaNode, at path: String = "") -> [SchemaIssue] {
        var issues: [SchemaIssue] = []
        check(value, node, path, &issues)
        return issues
    }

    private static func check(_ value: JSON, _ node: SchemaNode, _ path: String, _ issues: inout [SchemaIssue]) {
        if let types = node.types, !types.contains(where: { matches(value, $0) }) {
            let expected = types.map(\.rawValue).sorted().joined(separator: " or ")
            issues.append(SchemaIssue(path: path, message: "must be \(expected), got \(value.typeName)", severity: .error))
            return
        }
        if let allowed = node.allowedValues, !allowed.contains(where: { sameValue($0, value) }) {
            let listed = allowed.map { JSONWriter.text($0) }.joined(separator: ", ")
            issues.append(SchemaIssue(path: path, message: "must be one of \(listed)", severity: .error))
            return
        }
        switch value {
        case .object(let object):
            checkObject(object, node, path, &issues)
        case .array(let items):
            if node.uniqueItems, Set(items.map { JSONWriter.bytes($0) }).count != items.count {
                issues.append(SchemaIssue(path: path, message: "must not repeat items", severity: .error))
            }
            if let itemNode = node.items {
                for (position, item) in items.enumerated() {
                    check(item, itemNode, "\(path)[\(position)]", &issues)
                }
            }
        case .number:
            guard let number = value.doubleValue else { return }
            if let minimum = node.minimum, number < minimum {
                issues.append(SchemaIssue(path: path, message: "must be at least \(format(minimum))", severity: .error))
            }
            if let maximum = node.maximum, number > maximum {
                issues.append(SchemaIssue(path: path, message: "must be at most \(format(maximum))", severity: .error))
            }
        default:
            break
        }
    }

    private static func checkObject(_ object: JSONObject, _ node: SchemaNode, _ path: String, _ issues: inout [SchemaIssue]) {
        for key in node.required where object[key] == nil {
            issues.append(SchemaIssue(path: join(path, key), message: "is required", severity: .error))
        }
        for (key, member) in object.members {
            if let propertyNode = node.properties[key] {
                check(member, propertyNode, join(path, key), &issues)
            } else if let anyKey = node.anyKey {
                check(member, anyKey, join(path, key), &issues)
            } else {
                switch node.unknownKeys {
                case .allowed: break
                case .warn: issues.append(SchemaIssue(path: join(path, key), message: "is not a key OctoBot knows; it was kept", severity: .warning))
                case .refused: issues.append(SchemaIssue(path: join(path, key), message: "is not allowed here", severity: .error))
                }
            }
        }
    }

    private static func matches(_ value: JSON, _ type: SchemaNode.ValueType) -> Bool {
        switch (type, value) {
        case (.object, .object), (.array, .array), (.string, .string), (.number, .number), (.boolean, .bool), (.null, .null):
            true
        case (.integer, .number(let text)):
            !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) || (Double(text).map { $0 == $0.rounded() } ?? false)
        default:
            false
        }
    }

    private static func sameValue(_ lhs: JSON, _ rhs: JSON) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return JSONWriter.bytes(lhs) == JSONWriter.bytes(rhs)
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }
}
