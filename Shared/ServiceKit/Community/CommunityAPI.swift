import Foundation
import ExactJSON
import HTTPTypes
import Hummingbird
import NIOCore

/// The Supabase-style community API a stock OctoBot speaks (GoTrue auth, PostgREST tables and
/// RPCs, edge functions), served beside `/v1`. Each of its three parts answers errors in the
/// shape its Supabase client parses: the client raises on them instead of crashing, and the bot
/// shows the right message (it translates GoTrue codes, and refreshes its session on a
/// PostgREST "JWT expired").
public enum CommunityAPI: Sendable, Equatable {
    /// `/auth/v1`: GoTrue. Errors `{"code","msg"}`, with `X-Supabase-Api-Version`.
    case auth
    /// `/rest/v1`: PostgREST. Errors `{"code","message","details","hint"}`; rows are arrays.
    case rest
    /// `/functions/v1`: edge functions. Errors `{"code","message"}`.
    case functions

    public static let authPrefix = "/auth/v1"
    public static let restPrefix = "/rest/v1"
    public static let functionsPrefix = "/functions/v1"
    /// The GoTrue error-shape version whose `code` member clients read (supabase_auth's helpers).
    public static let goTrueAPIVersion = "2024-01-01"

    /// The part of the community API a path belongs to; nil for everything else (`/v1`, …).
    public init?(path: String) {
        func isUnder(_ prefix: String) -> Bool { path == prefix || path.hasPrefix(prefix + "/") }
        if isUnder(Self.authPrefix) {
            self = .auth
        } else if isUnder(Self.restPrefix) {
            self = .rest
        } else if isUnder(Self.functionsPrefix) {
            self = .functions
        } else {
            return nil
        }
    }

    /// `problem` as this part of the API says it. Status, `Retry-After` and `Allow` stay as they are.
    public func response(for problem: ProblemDetails) -> Response {
        var headers = problem.headers
        headers[.contentType] = "application/json"
        let status: HTTPResponse.Status
        var body: JSONObject
        switch self {
        case .auth:
            let (goTrueStatus, code) = Self.goTrueError(for: problem)
            status = goTrueStatus
            headers[.supabaseAPIVersion] = Self.goTrueAPIVersion
            body = ["code": .string(code), "error_code": .string(code), "msg": .string(problem.detail)]
            // supabase_auth reads a weak password's reasons and fails to parse the error without them.
            if code == "weak_password" { body.set("weak_password", ["reasons": ["length"]]) }
        case .rest:
            let (code, message) = Self.postgRESTError(for: problem)
            status = problem.status
            body = ["code": .string(code), "message": .string(message), "details": .null, "hint": .null]
        case .functions:
            status = problem.status
            body = ["code": .string(problem.code ?? Self.statusCode(problem.status)), "message": .string(problem.detail)]
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(.object(body)))))
    }

    /// GoTrue's status and code. Its statuses differ from ours for a few reasons (a wrong password
    /// is 400 there, not 401), and its codes are the vocabulary the bot translates.
    static func goTrueError(for problem: ProblemDetails) -> (HTTPResponse.Status, String) {
        switch problem.code {
        case "invalid_credentials", "refresh_token_not_found", "refresh_token_already_used",
            "email_address_invalid", "bad_json", "unsupported_grant_type":
            return (.badRequest, problem.code ?? "")
        case "user_already_exists", "weak_password":
            return (.unprocessableContent, problem.code ?? "")
        case "jwt_expired", "bad_jwt":
            return (.forbidden, "bad_jwt")
        case let code?:
            return (problem.status, code)
        case nil:
            break
        }
        switch problem.status.code {
        case 400: return (.badRequest, problem.type == ProblemDetails.malformedType ? "bad_json" : "validation_failed")
        case 401: return (.unauthorized, "no_authorization")
        case 403: return (.forbidden, "no_authorization")
        case 413: return (.contentTooLarge, "request_too_large")
        case 422, 415: return (problem.status, "validation_failed")
        case 429: return (.tooManyRequests, "over_request_rate_limit")
        case 500...: return (problem.status, "unexpected_failure")
        default: return (problem.status, statusCode(problem.status))
        }
    }

    /// PostgREST's code and message. The bot refreshes its session only when the message says
    /// "JWT expired", exactly as PostgREST words it.
    static func postgRESTError(for problem: ProblemDetails) -> (code: String, message: String) {
        switch problem.code {
        case "jwt_expired": return ("PGRST303", "JWT expired")
        case "bad_jwt": return ("PGRST301", problem.detail)
        case let code?: return (code, problem.detail)
        case nil: break
        }
        switch problem.status.code {
        case 400: return (problem.type == ProblemDetails.malformedType ? "PGRST102" : "PGRST100", problem.detail)
        case 401: return ("PGRST301", problem.detail)
        case 403: return ("42501", problem.detail)
        case 404: return ("PGRST205", problem.detail)
        case 406: return ("PGRST116", problem.detail)
        default: return (statusCode(problem.status), problem.detail)
        }
    }

    static func statusCode(_ status: HTTPResponse.Status) -> String {
        String(status.code)
    }
}
