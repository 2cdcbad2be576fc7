import Foundation
import ServiceKit

/// `POST /v1/auth/register`.
struct RegisterRequest: JSONRequestBody {
    let email: String
    let password: String
    let displayName: String

    init(fields: inout JSONFields) {
        let email = fields.requiredString("email").map(AccountRules.normalisedEmail)
        let password = fields.requiredString("password")
        let displayName = fields.requiredString("displayName").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let email, let problem = AccountRules.emailProblem(email) { fields.reject("email", problem) }
        if let password, let problem = AccountRules.passwordProblem(password) { fields.reject("password", problem) }
        if let displayName, let problem = AccountRules.displayNameProblem(displayName) { fields.reject("displayName", problem) }
        self.email = email ?? ""
        self.password = password ?? ""
        self.displayName = displayName ?? ""
    }
}

/// `POST /v1/auth/login`.
struct LoginRequest: JSONRequestBody {
    let email: String
    let password: String

    init(fields: inout JSONFields) {
        email = fields.requiredString("email").map(AccountRules.normalisedEmail) ?? ""
        password = fields.requiredString("password") ?? ""
    }
}

/// `POST /v1/auth/refresh` and `POST /v1/auth/logout`.
struct RefreshTokenRequest: JSONRequestBody {
    let refreshToken: String

    init(fields: inout JSONFields) {
        refreshToken = fields.requiredString("refreshToken") ?? ""
    }
}

/// What makes an email, password or display name acceptable.
enum AccountRules {
    static let minimumPasswordLength = 10
    static let maximumPasswordLength = 1024
    static let maximumDisplayNameLength = 64

    static func normalisedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// A deliberately plain check (one `@`, a dotted domain, no spaces or controls): the only
    /// real test of an address is mail reaching it.
    static func emailProblem(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254,
            parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) || CharacterSet.controlCharacters.contains($0) })
        else {
            return "must be a valid email address"
        }
        return nil
    }

    static func passwordProblem(_ password: String) -> String? {
        if password.count < minimumPasswordLength { return "must be at least \(minimumPasswordLength) characters" }
        if password.count > maximumPasswordLength { return "must be at most \(maximumPasswordLength) characters" }
        return nil
    }

    static func displayNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be blank" }
        if name.count > maximumDisplayNameLength { return "must be at most \(maximumDisplayNameLength) characters" }
        if name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
            return "must not contain control characters"
        }
        return nil
    }
}
