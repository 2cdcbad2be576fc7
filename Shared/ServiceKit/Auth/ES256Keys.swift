import Crypto
import Foundation
import JWTKit
import Models

/// Helpers for the ES256 keys that sign and verify access tokens.
public enum ES256Keys {
    /// The RFC 7638 thumbprint of the public key: a stable `kid` that needs no configuration
    /// and changes exactly when the key does.
    public static func keyIdentifier(for key: ES256PublicKey) throws -> String {
        guard let parameters = key.parameters else {
            throw JWTError.generic(identifier: "ES256Keys", reason: "public key has no parameters")
        }
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        return Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncodedString()
    }

    /// The public JWK published at `/.well-known/jwks.json`.
    public static func jwk(for key: ES256PublicKey) throws -> JWK {
        guard let parameters = key.parameters else {
            throw JWTError.generic(identifier: "ES256Keys", reason: "public key has no parameters")
        }
        return JWK.ecdsa(
            .es256, identifier: JWKIdentifier(string: try keyIdentifier(for: key)),
            x: parameters.x, y: parameters.y, curve: .p256
        )
    }
}
