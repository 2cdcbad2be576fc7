import ExactJSON
import Hummingbird
import NIOCore

/// A request body type that validates itself from `JSONFields`, reporting problems there.
public protocol JSONRequestBody: Sendable {
    init(fields: inout JSONFields)
}

public enum JSONBodyLimits {
    /// API.md: JSON bodies are limited to 1 MiB.
    public static let defaultMaxBytes = 1 << 20
}

extension Request {
    /// Reads and validates a JSON body: 415 unless it is `application/json`, 413 over `maxBytes`,
    /// 400 unless it is JSON at all, 422 naming every bad field. Nothing is decoded lazily, so a
    /// handler that gets a value can trust all of it.
    public func decodeJSONBody<Body: JSONRequestBody>(
        _ type: Body.Type = Body.self, maxBytes: Int = JSONBodyLimits.defaultMaxBytes
    ) async throws -> Body {
        // The media type is checked first, so a large body of the wrong kind is never read.
        try requireJSONMediaType()
        return try validated(Body.self, from: try jsonObject(try await collectBody(upTo: maxBytes)))
    }

    /// `decodeJSONBody` for a body whose every field is optional: no body at all (with or without
    /// a `Content-Type`) reads as `{}`, so `curl -X POST` works as well as `-d '{}'`.
    public func decodeOptionalJSONBody<Body: JSONRequestBody>(
        _ type: Body.Type = Body.self, maxBytes: Int = JSONBodyLimits.defaultMaxBytes
    ) async throws -> Body {
        let buffer = try await collectBody(upTo: maxBytes)
        guard buffer.readableBytes > 0 else { return try validated(Body.self, from: [:]) }
        try requireJSONMediaType()
        return try validated(Body.self, from: try jsonObject(buffer))
    }

    private func requireJSONMediaType() throws {
        guard let mediaType, Self.isJSON(mediaType) else {
            throw ProblemDetails.unsupportedMediaType("Send the body as application/json.")
        }
    }

    private func validated<Body: JSONRequestBody>(_ type: Body.Type, from object: JSONObject) throws -> Body {
        var fields = JSONFields(object)
        let body = Body(fields: &fields)
        guard fields.errors.isEmpty else { throw ProblemDetails.validation(fields.errors) }
        return body
    }

    /// Parsed strictly (`JSONParser`): a member named twice is refused rather than read as
    /// whichever copy a parser keeps, since a proxy or a log reader could keep the other.
    private func jsonObject(_ buffer: ByteBuffer) throws -> JSONObject {
        let value: JSON
        do {
            value = try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw ProblemDetails.malformed("The body is not valid JSON: \(error).")
        }
        guard case .object(let object) = value else {
            throw ProblemDetails.validation([], detail: "The body must be a JSON object, got \(value.typeName).")
        }
        return object
    }

    /// `application/json`, or any `application/…+json`.
    public static func isJSON(_ mediaType: String) -> Bool {
        mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
