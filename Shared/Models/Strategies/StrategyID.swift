/// Strategy identifiers: short lower-case `[a-z0-9]` strings, safe in URLs and MQTT topics.
public enum StrategyID {
    public static let allowedLength = 4...32

    public static func isValid(_ id: String) -> Bool {
        allowedLength.contains(id.count) && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// A new random identifier: 10 characters of `[a-z0-9]` (about 51 bits), like `k3v9x2mq7d`.
    public static func random() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
