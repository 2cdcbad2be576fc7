import Crypto
import Foundation

/// High-entropy secrets handed to clients (API keys, refresh tokens, download grants).
/// Only their SHA-256 is stored: with 256 random bits a slow hash adds nothing, and lookups
/// by hash stay a single indexed query.
public struct SecretToken: Sendable, Equatable {
    /// What the client sees, e.g. `ak_3q2+...`.
    public let value: String

    public init(value: String) {
        self.value = value
    }

    /// A new secret of 32 random bytes, base64url encoded after `prefix`.
    public static func generate(prefix: String = "") -> SecretToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SecretToken(value: prefix + Data(bytes).base64URLEncodedString())
    }

    /// What the database stores and looks up.
    public var hash: Data {
        Data(SHA256.hash(data: Data(value.utf8)))
    }
}

extension Data {
    /// RFC 4648 §5 base64url without padding.
    public func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
