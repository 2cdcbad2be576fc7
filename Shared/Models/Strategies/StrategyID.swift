/// Strategy identifiers: short lower-case `[a-z0-9]` strings, safe in URLs and MQTT topics.
public enum StrategyID {
    public static let allowedLength = 4...32

    public static func isValid(_ id: String) -> Bool {
        allowedLength.contains(id.count) && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
