import APIShapes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The public JSON API, called server to server with the signed-in user's access token: the
/// web app keeps no rules of its own, so every check stays in the service that owns it.
struct AstrolabAPI: Sendable {
    /// Where the web app reaches the API (the edge).
    let baseURL: String
    let client: HTTPClient

    static let maximumAnswerBytes = 4 << 20

    struct Answer: Sendable {
        let status: Int
        let body: ByteBuffer

        var isSuccess: Bool { (200..<300).contains(status) }

        /// The body as one of the API's shapes (`APIShapes`).
        func decode<Value: Decodable>(_ type: Value.Type = Value.self) throws -> Value {
            try Self.decoder.decode(Value.self, from: body)
        }

        /// The API's problem+json, for a friendly message; a body that is not one still says its status.
        var problem: APIProblem {
            (try? Self.decoder.decode(Problem.self, from: body)).map(APIProblem.init) ?? APIProblem(status: status, detail: "The server answered \(status).")
        }

        /// No date strategy: the shapes keep the API's timestamps as strings, and `DisplayDate`
        /// formats the ones a page shows.
        static let decoder = JSONDecoder()
    }

    func get(_ path: String, token: String?) async throws -> Answer {
        try await send(.GET, path, token: token, body: nil, contentType: nil)
    }

    /// `clientAddress`: the browser's, for what the API counts per client (sign-in attempts); the
    /// edge's internal entrance believes it.
    func post(_ path: String, token: String?, json: [String: any Sendable & Encodable]? = nil, clientAddress: String? = nil) async throws -> Answer {
        let body = try json.map { try JSONEncoder().encode(EncodableMembers($0)) }
        return try await send(
            .POST, path, token: token, body: body.map { ByteBuffer(data: $0) }, contentType: json == nil ? nil : "application/json", clientAddress: clientAddress
        )
    }

    func patch(_ path: String, token: String?, json: [String: any Sendable & Encodable]) async throws -> Answer {
        let body = try JSONEncoder().encode(EncodableMembers(json))
        return try await send(.PATCH, path, token: token, body: ByteBuffer(data: body), contentType: "application/json")
    }

    /// Sends raw bytes (a profile zip, a logo) as the API takes them.
    func send(_ method: HTTPMethod, _ path: String, token: String?, bytes: ByteBuffer, contentType: String) async throws -> Answer {
        try await send(method, path, token: token, body: bytes, contentType: contentType)
    }

    func delete(_ path: String, token: String?) async throws -> Answer {
        try await send(.DELETE, path, token: token, body: nil, contentType: nil)
    }

    private func send(
        _ method: HTTPMethod, _ path: String, token: String?, body: ByteBuffer?, contentType: String?, clientAddress: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let clientAddress { request.headers.add(name: "X-Real-IP", value: clientAddress) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(15))
        return Answer(status: Int(response.status.code), body: try await response.body.collect(upTo: Self.maximumAnswerBytes))
    }
}

/// A refusal as the pages handle it: the API's `Problem`, or for an answer that is not
/// problem+json (a proxy's error page) only its status. An `Error`, for `Result`s that carry one.
struct APIProblem: Sendable, Error {
    let status: Int
    let detail: String
    let errors: [Problem.FieldError]?

    init(_ problem: Problem) {
        status = problem.status
        detail = problem.detail
        errors = problem.errors
    }

    init(status: Int, detail: String) {
        self.status = status
        self.detail = detail
        errors = nil
    }

    /// The message for one form field, if the API named it.
    func message(for field: String) -> String? {
        errors?.first { $0.field == field }?.message
    }
}

/// A JSON object of encodable values (request bodies built by the pages).
private struct EncodableMembers: Encodable {
    let members: [String: any Sendable & Encodable]

    init(_ members: [String: any Sendable & Encodable]) {
        self.members = members
    }

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in members { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}
