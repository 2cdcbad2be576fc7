import Foundation
import HTTPTypes
import Hummingbird
import Models
import NIOCore

/// A zip file response with its name and a strong ETag (the sha256 of the bytes).
struct ZipResponse: ResponseGenerator {
    let bytes: [UInt8]
    let fileName: String
    let cacheControl: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let etag = "\"" + ContentHash.sha256Hex(bytes) + "\""
        var headers: HTTPFields = [
            .contentType: "application/zip",
            .contentDisposition: "attachment; filename=\"\(fileName)\"",
            .eTag: etag,
            .cacheControl: cacheControl,
        ]
        if request.headers[.ifNoneMatch] == etag {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
