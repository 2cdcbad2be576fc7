import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Helpers for driving a service's API like a client would.
extension TestClientProtocol {
    @discardableResult
    public func send(
        _ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// Sends raw bytes (a zip, an image) with `contentType`.
    @discardableResult
    public func send(
        _ method: HTTPRequest.Method, _ uri: String, bytes: [UInt8], contentType: String?, token: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
    }
}

extension TestResponse {
    public var bodyString: String { String(buffer: body) }

    public var bytes: [UInt8] { Array(body.readableBytesView) }

    public func jsonObject() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }

    /// A JSON array of objects (PostgREST's rows).
    public func jsonRows() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]])
    }

    /// Asserts the response is problem+json with `status`, and returns its body.
    @discardableResult
    public func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(self.status == status, "expected \(status.code), got \(self.status.code): \(bodyString)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let object = try jsonObject()
        #expect(object["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((object["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        return object
    }
}
