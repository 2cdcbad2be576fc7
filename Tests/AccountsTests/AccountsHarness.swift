import APIShapes
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Models
import NIOCore
import Rules
import ServiceKit
import TestSupport
import Testing

@testable import Accounts

/// A fresh database, a movable clock and a signing key: everything one accounts test needs.
struct AccountsHarness {
    let bed: ServiceTestBed
    let clock = ManualClock()
    var database: TestDatabase { bed.database }
    /// The key the service under test signs with (it is the accounts service).
    var signingKey: ES256PrivateKey { bed.accounts.signingKey }

    static func make() async throws -> AccountsHarness {
        AccountsHarness(bed: try await .make())
    }

    func configuration(_ overrides: [String: String] = [:]) throws -> AccountsConfiguration {
        let environment = bed.environment(["JWT_PRIVATE_KEY": signingKey.pemRepresentation, "BCRYPT_COST": "4"].merging(overrides) { $1 })
        return try AccountsConfiguration(environment: EnvironmentReader(environment))
    }

    func app(_ overrides: [String: String] = [:]) async throws -> some ApplicationProtocol {
        try await buildApplication(try configuration(overrides), clock: clock)
    }
}

/// Account flows driven like a client would.
extension TestClientProtocol {
    @discardableResult
    func register(_ email: String, password: String = "correct horse battery", name: String = "Tester") async throws -> UserBody {
        let response = try await send(.post, "/v1/auth/register", json: ["email": email, "password": password, "displayName": name])
        #expect(response.status == .created, "register \(email): \(response.bodyString)")
        return try response.decode(UserBody.self)
    }

    func login(_ email: String, password: String = "correct horse battery") async throws -> (access: String, refresh: String) {
        let response = try await send(.post, "/v1/auth/login", json: ["email": email, "password": password])
        #expect(response.status == .ok, "login \(email): \(response.bodyString)")
        let tokens = try response.decode(TokensBody.self)
        return (tokens.accessToken, tokens.refreshToken)
    }

    /// Registers and logs in; returns the access token.
    func signUp(_ email: String) async throws -> String {
        try await register(email)
        return try await login(email).access
    }
}
