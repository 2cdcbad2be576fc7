import Foundation
import Rules
import ServiceKit

/// `POST /v1/auth/register`.
struct RegisterRequest: JSONRequestBody {
    let email: String
    let password: String
    let displayName: String

    init(fields: inout JSONFields) {
        let email = fields.requiredString("email")
        let password = fields.requiredString("password")
        let displayName = fields.requiredString("displayName").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let email, let problem = AccountRules.emailProblem(email) { fields.reject("email", problem) }
        if let password, let problem = AccountRules.passwordProblem(password) { fields.reject("password", problem) }
        if let displayName, let problem = AccountRules.displayNameProblem(displayName) { fields.reject("displayName", problem) }
        self.email = email.map(EmailAddress.normalized) ?? ""
        self.password = password ?? ""
        self.displayName = displayName ?? ""
    }
}

/// `POST /v1/auth/login`.
struct LoginRequest: JSONRequestBody {
    let email: String
    let password: String

    init(fields: inout JSONFields) {
        email = fields.requiredString("email").map(EmailAddress.normalized) ?? ""
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

    /// A deliberately plain check, exactly the `pattern` of `RegisterRequest.email` in
    /// docs/openapi.yaml: printable ASCII, one `@`, a local part of 1–64 characters, a domain with
    /// a dot not at either end, at most 254 characters, nothing around it. The only real test of
    /// an address is mail reaching it.
    static let emailPattern = #"^[!-?A-~]{1,64}@[!-\-/-?A-~][!-?A-~]*\.[!-?A-~]*[!-\-/-?A-~]$"#
    static let maximumEmailLength = 254

    static func emailProblem(_ email: String) -> String? {
        // ICU's `$` also matches before a final line break, which the pattern's characters exclude anyway.
        guard email.unicodeScalars.count <= maximumEmailLength, email.unicodeScalars.allSatisfy(\.isASCII),
            email.range(of: emailPattern, options: .regularExpression) != nil, !email.hasSuffix("\n")
        else {
            return "must be an email address of printable ASCII characters (one @, a dotted domain), at most \(maximumEmailLength)"
        }
        return nil
    }

    static func passwordProblem(_ password: String) -> String? {
        if password.jsonLength < minimumPasswordLength { return "must be at least \(minimumPasswordLength) characters" }
        if password.jsonLength > maximumPasswordLength { return "must be at most \(maximumPasswordLength) characters" }
        return nil
    }

    static func displayNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be blank" }
        if name.jsonLength > maximumDisplayNameLength { return "must be at most \(maximumDisplayNameLength) characters" }
        if name.containsControlCharacters {
            return "must not contain control characters"
        }
        return nil
    }
}
