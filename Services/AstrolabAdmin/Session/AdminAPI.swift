import APIShapes
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The Astrolab HTTP API as the signed-in admin: bearer token on every call, one refresh and
/// retry when the access token has expired, the new tokens saved for the next command.
struct AdminAPI {
    let credentialsPath: String
    private(set) var credentials: AdminCredentials
    let http: HTTPClient

    init(credentialsPath: String = AdminCredentials.defaultPath, http: HTTPClient = .shared) throws {
        self.credentialsPath = credentialsPath
        self.credentials = try AdminCredentials.load(from: credentialsPath)
        self.http = http
    }

    /// Logs in and saves the tokens.
    static func login(baseURL: String, email: String, password: String, credentialsPath: String, http: HTTPClient = .shared) async throws -> AdminCredentials {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let (status, body) = try await send(http, "POST", base + "/v1/auth/login", token: nil, json: ["email": email, "password": password])
        guard status == 200, let tokens = try? JSONDecoder().decode(TokensBody.self, from: body) else {
            throw CLIError("Login failed (HTTP \(status)): \(problemDetail(body))")
        }
        let credentials = AdminCredentials(baseURL: base, email: email, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken)
        try credentials.save(to: credentialsPath)
        return credentials
    }

    /// Calls the API and returns the JSON body of a 2xx answer; anything else is a `CLIError`
    /// carrying the problem's detail.
    mutating func call(_ method: String, _ path: String, json: [String: String?]? = nil) async throws -> Data {
        var (status, body) = try await Self.send(http, method, credentials.baseURL + path, token: credentials.accessToken, json: json)
        if status == 401 {
            try await refresh()
            (status, body) = try await Self.send(http, method, credentials.baseURL + path, token: credentials.accessToken, json: json)
        }
        guard (200..<300).contains(status) else { throw CLIError("HTTP \(status): \(Self.problemDetail(body))") }
        return body
    }

    private mutating func refresh() async throws {
        let (status, body) = try await Self.send(http, "POST", credentials.baseURL + "/v1/auth/refresh", token: nil, json: ["refreshToken": credentials.refreshToken])
        guard status == 200, let tokens = try? JSONDecoder().decode(TokensBody.self, from: body) else {
            throw CLIError("The session has ended; log in again with `astrolab-admin login`.")
        }
        credentials.accessToken = tokens.accessToken
        credentials.refreshToken = tokens.refreshToken
        try credentials.save(to: credentialsPath)
    }

    private static func send(_ http: HTTPClient, _ method: String, _ url: String, token: String?, json: [String: String?]?) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json.compactMapValues { $0 })))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(buffer: body))
    }

    /// The problem's detail and the members it names; an answer that is not problem+json (a
    /// proxy's error page) as it came.
    static func problemDetail(_ body: Data) -> String {
        guard let problem = try? JSONDecoder().decode(Problem.self, from: body) else {
            return String(decoding: body, as: UTF8.self)
        }
        var text = problem.detail
        for error in problem.errors ?? [] {
            text += "\n  \(error.field ?? error.path ?? ""): \(error.message)"
        }
        return text
    }
}
