import Foundation

/// How an email address is compared and stored: accounts are found by it, so "Ada@Example.com "
/// and "ada@example.com" must be the same account everywhere (sign-in, registration, grants, the CLI).
public enum EmailAddress {
    public static func normalized(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
