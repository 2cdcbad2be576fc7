import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 `application/problem+json` error: the one error shape every endpoint answers with.
public struct ProblemDetails: Error, HTTPResponseError, Encodable, Sendable {
    /// One thing wrong with one field of a request body (or one path inside an upload).
    public struct FieldError: Encodable, Sendable, Equatable {
        public let field: String?
        public let path: String?
        public let message: String

        public init(field: String, message: String) {
            self.field = field
            self.path = nil
            self.message = message
        }

        public init(path: String, message: String) {
            self.field = nil
            self.path = path
            self.message = message
        }
    }

    public let type: String
    public let title: String
    public let status: HTTPResponse.Status
    public let detail: String
    public let errors: [FieldError]?
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`); not part of the body.
    public let headers: HTTPFields
    /// The precise reason, for clients that branch on it: the community API answers with it as
    /// its `code` (`invalid_credentials`, `jwt_expired`, …; see `CommunityAPI`). Not part of the
    /// problem+json body, whose `type` already says what kind of problem it is.
    public let code: String?

    public init(
        _ status: HTTPResponse.Status, type: String? = nil, detail: String,
        errors: [FieldError]? = nil, headers: HTTPFields = [:], code: String? = nil
    ) {
        self.status = status
        self.title = status.reasonPhrase
        self.type = type ?? "about:blank"
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.code = code
    }

    /// The same problem, with its precise reason.
    public func coded(_ code: String) -> Self {
        Self(status, type: type, detail: detail, errors: errors, headers: headers, code: code)
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(detail, forKey: .detail)
        try container.encodeIfPresent(errors, forKey: .errors)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let (fields, body) = try encoded()
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// The response headers and JSON body, for code that answers outside a router.
    public func encoded() throws -> (headers: HTTPFields, body: ByteBuffer) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return (fields, ByteBuffer(bytes: try encoder.encode(self)))
    }
}

extension ProblemDetails {
    public static let malformedType = "/problems/malformed-request"

    public static func malformed(_ detail: String) -> Self {
        .init(.badRequest, type: malformedType, detail: detail)
    }

    public static func validation(_ errors: [FieldError], detail: String = "The request has invalid fields.") -> Self {
        .init(.unprocessableContent, type: "/problems/validation-failed", detail: detail, errors: errors)
    }

    public static func unauthorized(_ detail: String) -> Self {
        .init(.unauthorized, type: "/problems/unauthorized", detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func forbidden(_ detail: String) -> Self {
        .init(.forbidden, type: "/problems/forbidden", detail: detail)
    }

    public static func notFound(_ detail: String = "Nothing here, or not visible to you.") -> Self {
        .init(.notFound, type: "/problems/not-found", detail: detail)
    }

    public static func conflict(_ detail: String) -> Self {
        .init(.conflict, type: "/problems/conflict", detail: detail)
    }

    public static func tooLarge(limit: Int) -> Self {
        .init(.contentTooLarge, type: "/problems/too-large", detail: "The request body is larger than the \(limit) bytes allowed.")
    }

    public static func unsupportedMediaType(_ detail: String) -> Self {
        .init(.unsupportedMediaType, type: "/problems/unsupported-media-type", detail: detail)
    }

    /// The path exists, but not with this method; `allow` lists the methods it has.
    public static func methodNotAllowed(allow: String) -> Self {
        .init(.methodNotAllowed, type: "/problems/method-not-allowed", detail: "This path answers \(allow) only.", headers: [.allow: allow])
    }

    /// A plain request to an endpoint that only speaks WebSocket.
    public static func upgradeRequired(_ detail: String) -> Self {
        .init(.init(code: 426, reasonPhrase: "Upgrade Required"), type: "/problems/upgrade-required", detail: detail, headers: [.upgrade: "websocket", .connection: "Upgrade"])
    }

    public static func tooManyRequests(retryAfterSeconds: Int, detail: String) -> Self {
        .init(
            .tooManyRequests, type: "/problems/rate-limited", detail: detail,
            headers: [.retryAfter: String(max(1, retryAfterSeconds))]
        )
    }

    public static func unavailable(_ detail: String) -> Self {
        .init(.serviceUnavailable, type: "/problems/unavailable", detail: detail, headers: [.retryAfter: "5"])
    }

    public static let internalError = Self(
        .internalServerError, type: "/problems/internal", detail: "Something went wrong on our side; it has been logged."
    )
}
