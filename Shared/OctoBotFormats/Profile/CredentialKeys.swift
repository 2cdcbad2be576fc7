import ExactJSON
import Foundation

/// Recognises keys that hold credentials, however they are spelled (`api-key`, `apiKey`,
/// `API_SECRET`, `password`, `private-key`...). A profile is meant to be shared with strangers:
/// a credential in it is always a mistake, so one anywhere refuses the upload.
enum CredentialKeys {
    /// Normalised (lower-case, no separators) fragments that mark a credential.
    private static let fragments = ["apikey", "apisecret", "apipassword", "secret", "password", "passphrase", "privatekey", "accesstoken", "authtoken", "apitoken"]

    static func isCredential(_ key: String) -> Bool {
        let normalised = String(key.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
        return fragments.contains { normalised.contains($0) }
    }

    /// The paths (`a.b[2].c`) of every credential-like key in `value`.
    static func paths(in value: JSON, at path: String = "") -> [String] {
        switch value {
        case .object(let object):
            object.members.flatMap { key, member in
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                return isCredential(key) ? [memberPath] : paths(in: member, at: memberPath)
            }
        case .array(let items):
            items.enumerated().flatMap { position, item in paths(in: item, at: "\(path)[\(position)]") }
        default:
            []
        }
    }
}
