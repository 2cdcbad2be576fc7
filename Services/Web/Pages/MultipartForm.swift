import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import ServiceKit

/// A `multipart/form-data` body (forms with files): its text fields and its files.
struct MultipartForm: Sendable {
    struct UploadedFile: Sendable {
        let filename: String
        let contentType: String?
        let bytes: ByteBuffer
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: UploadedFile] = [:]

    /// A form is the zip (10 MiB at most at the API) plus a logo and a few fields.
    static let maximumBytes = 11 << 20

    init(_ request: Request) async throws {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = Self.boundary(contentType)
        else { throw PageError.badForm("This form must be sent as multipart/form-data.") }
        let body = try await request.collectBody(upTo: Self.maximumBytes)
        var parts: [MultipartPart] = []
        var current = MultipartPart(body: ByteBuffer())
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in current.headers.add(name: name, value: value) }
        parser.onBody = { chunk in current.body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(current)
            current = MultipartPart(body: ByteBuffer())
        }
        do {
            try parser.execute(body)
        } catch {
            throw PageError.badForm("The form could not be read; send it again.")
        }
        for part in parts {
            guard let disposition = part.headers.first(name: "Content-Disposition"), let name = Self.parameter("name", in: disposition) else { continue }
            if let filename = Self.parameter("filename", in: disposition) {
                // A file input left empty still sends a part, with no name and no bytes.
                guard !filename.isEmpty || part.body.readableBytes > 0 else { continue }
                files[name] = UploadedFile(filename: filename, contentType: part.headers.first(name: "Content-Type"), bytes: part.body)
            } else {
                fields[name] = String(buffer: part.body)
            }
        }
    }

    static func boundary(_ contentType: String) -> String? {
        parameter("boundary", in: contentType)
    }

    /// `name="value"` or `name=value` in a header's parameters.
    static func parameter(_ name: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            let value = pair[1]
            return value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        }
        return nil
    }
}
