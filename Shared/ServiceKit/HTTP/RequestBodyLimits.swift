import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, or 413 problem+json when it is longer than `maxBytes`.
    public func collectBody(upTo maxBytes: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails.tooLarge(limit: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw ProblemDetails.tooLarge(limit: maxBytes)
        }
    }

    /// The `Content-Type` without parameters, lower-cased (`application/zip`), or nil.
    public var mediaType: String? {
        headers[.contentType]?.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}
