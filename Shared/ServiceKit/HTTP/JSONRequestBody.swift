import Foundation
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
        let object = try await jsonObject(maxBytes: maxBytes)
        var fields = JSONFields(object)
        let body = Body(fields: &fields)
        guard fields.errors.isEmpty else { throw ProblemDetails.validation(fields.errors) }
        return body
    }

    func jsonObject(maxBytes: Int) async throws -> [String: JSONValue] {
        guard let mediaType, Self.isJSON(mediaType) else {
            throw ProblemDetails.unsupportedMediaType("Send the body as application/json.")
        }
        let buffer = try await collectBody(upTo: maxBytes)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails.malformed("The body is not valid JSON.")
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
