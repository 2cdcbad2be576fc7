import ExactJSON
import Foundation
import ServiceKit

/// `POST /auth/v1/token?grant_type=password`: GoTrue's field names; the bot also sends `data`
/// and `gotrue_meta_security` (a captcha token), which have no use here.
struct PasswordGrantRequest: JSONRequestBody {
    let login: LoginRequest

    init(fields: inout JSONFields) {
        login = LoginRequest(fields: &fields)
    }
}

/// `POST /auth/v1/token?grant_type=refresh_token`.
struct RefreshTokenGrantRequest: JSONRequestBody {
    let refreshToken: String

    init(fields: inout JSONFields) {
        refreshToken = fields.requiredString("refresh_token") ?? ""
    }
}

/// `POST /auth/v1/signup`: an email and a password, and `data` (the bot's
/// `hasRegisteredFromSelfHosted`, `hosting_enabled`) kept as the user's metadata. GoTrue has no
/// display name; Astrolab's comes from `data.display_name` or the email's local part. The rules
/// are `/v1/auth/register`'s; a broken one is kept (not rejected here) so the answer can name it
/// with GoTrue's code (`weak_password`, `email_address_invalid`).
struct SignupRequest: JSONRequestBody {
    let registration: Result<RegisterRequest, ProblemDetails>
    let metadata: JSONObject

    init(fields: inout JSONFields) {
        let email = fields.requiredString("email") ?? ""
        let password = fields.requiredString("password") ?? ""
        metadata = fields.optionalObject("data") ?? [:]
        let displayName: String
        if case .string(let name)? = metadata["display_name"] {
            displayName = name
        } else {
            displayName = String(email.prefix(while: { $0 != "@" }).prefix(AccountRules.maximumDisplayNameLength))
        }
        var registration = JSONFields(["email": .string(email), "password": .string(password), "displayName": .string(displayName)])
        let request = RegisterRequest(fields: &registration)
        if let problem = AccountRules.passwordProblem(password) {
            self.registration = .failure(
                ProblemDetails.validation([.init(field: "password", message: problem)], detail: "Password \(problem).").coded("weak_password")
            )
        } else if let problem = AccountRules.emailProblem(email) {
            self.registration = .failure(
                ProblemDetails.validation([.init(field: "email", message: problem)], detail: "The email address \(problem).")
                    .coded("email_address_invalid")
            )
        } else if !registration.errors.isEmpty {
            self.registration = .failure(ProblemDetails.validation(registration.errors))
        } else {
            self.registration = .success(request)
        }
    }
}

/// `PUT /auth/v1/user`: only `data` (metadata merged member by member) is supported. Changing
/// the email or password happens on Astrolab itself, so those members are refused, not ignored.
struct UpdateUserRequest: JSONRequestBody {
    let metadataPatch: JSONObject

    static let maximumMetadataBytes = 16 * 1024

    init(fields: inout JSONFields) {
        for name in fields.names where name != "data" {
            fields.reject(name, "cannot be changed through the community API; only data (user metadata) can")
        }
        metadataPatch = fields.optionalObject("data") ?? [:]
    }
}
