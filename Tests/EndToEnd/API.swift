import AsyncHTTPClient
import ExactJSON
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The public API through the edge, as a client program uses it.
struct EdgeAPI: Sendable {
    let edge: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends a request and returns status and body; `json` bodies are encoded, `bytes` sent raw.
    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil, bytes: [UInt8]? = nil, contentType: String? = nil) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : edge + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let bytes {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (Int(response.status.code), Data(buffer: try await response.body.collect(upTo: 32 << 20)))
    }

    /// The JSON of a call that must answer `expected` (null for an empty body).
    @discardableResult
    func expect(_ expected: Int, _ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil, bytes: [UInt8]? = nil, contentType: String? = nil) async throws -> JSON {
        let (status, body) = try await call(method, path, token: token, json: json, bytes: bytes, contentType: contentType)
        guard status == expected else {
            throw Failure(description: "\(method) \(path): expected \(expected), got \(status): \(String(decoding: body, as: UTF8.self))")
        }
        guard !body.isEmpty else { return .null }
        do {
            return try JSONParser.parse(body)
        } catch {
            throw Failure(description: "\(method) \(path): the answer is not JSON (\(error)): \(String(decoding: body, as: UTF8.self))")
        }
    }

    func signUp(_ email: String, name: String) async throws -> (token: String, id: String) {
        let user = try await expect(201, .POST, "/v1/auth/register", json: ["email": email, "password": "correct horse battery", "displayName": name])
        return (try await login(email, password: "correct horse battery"), user["id"]?.stringValue ?? "")
    }

    func login(_ email: String, password: String) async throws -> String {
        let tokens = try await expect(200, .POST, "/v1/auth/login", json: ["email": email, "password": password])
        guard let token = tokens["accessToken"]?.stringValue else { throw Failure(description: "login gave no token") }
        return token
    }

    /// Polls until `condition` holds; the limit only bounds a broken run.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "gave up waiting for: \(what)")
    }

    /// Approves the open case of `strategyId` as the admin (it opens asynchronously).
    func approveCase(of strategyId: String, admin: String) async throws {
        var caseId: String?
        try await eventually("a review case for \(strategyId)") {
            var cursor: String?
            repeat {
                let page = try await expect(200, .GET, "/v1/moderation/cases?status=open&limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin)
                caseId = page["items"]?.arrayValue?.first { $0["strategyId"]?.stringValue == strategyId }?["id"]?.stringValue
                cursor = page["nextCursor"]?.stringValue
            } while caseId == nil && cursor != nil
            return caseId != nil
        }
        try await expect(200, .POST, "/v1/moderation/cases/\(caseId ?? "")/approve", token: admin, json: ["note": "end-to-end"])
        try await eventually("\(strategyId) is published") { try await call(.GET, "/v1/strategies/\(strategyId)").status == 200 }
    }
}
