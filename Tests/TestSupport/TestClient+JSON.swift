import APIShapes
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

    /// The body decoded as `type`, one of the API's shapes (`APIShapes`): a missing or
    /// mistyped member fails the test with the decoder's account of where.
    public func decode<Body: Decodable>(_ type: Body.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: Data(body.readableBytesView))
        } catch {
            Issue.record("\(Body.self) from \(status.code) \(bodyString): \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    public func jsonObject() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }

    /// A JSON array of objects (PostgREST's rows).
    public func jsonRows() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]])
    }

    /// Asserts the response is problem+json with `status`, and returns its body.
    @discardableResult
    public func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) throws -> Problem {
        #expect(self.status == status, "expected \(status.code), got \(self.status.code): \(bodyString)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try decode(Problem.self, sourceLocation: sourceLocation)
        #expect(problem.status == Int(status.code), sourceLocation: sourceLocation)
        #expect(!problem.detail.isEmpty, sourceLocation: sourceLocation)
        return problem
    }
}
