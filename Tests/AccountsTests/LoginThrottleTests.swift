import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Models
import ServiceKit
import TestSupport
import Testing

@Suite("Login throttling")
struct LoginThrottleTests {
    @Test("10 failures for one email lock it with 429 and Retry-After until the window passes")
    func perEmail() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await client.register("victim@example.com")
            for attempt in 1...10 {
                harness.clock.advance(by: 10)
                let response = try await client.send(.post, "/v1/auth/login", json: ["email": "victim@example.com", "password": "guess \(attempt)"])
                try response.expectProblem(.unauthorized)
            }
            // Even the right password is refused while locked, so guessing cannot continue.
            let locked = try await client.send(.post, "/v1/auth/login", json: ["email": "victim@example.com", "password": "correct horse battery"])
            try locked.expectProblem(.tooManyRequests)
            // The first failure was 90 s ago; it leaves the 900 s window in 810 s.
            #expect(locked.headers[.retryAfter] == "810")

            // Other emails are not affected.
            try await client.register("bystander@example.com")
            _ = try await client.login("bystander@example.com")

            harness.clock.advance(by: 809)
            try await client.send(.post, "/v1/auth/login", json: ["email": "victim@example.com", "password": "correct horse battery"])
                .expectProblem(.tooManyRequests)
            harness.clock.advance(by: 1)
            _ = try await client.login("victim@example.com")
        }
    }

    @Test("a successful login forgets earlier failures")
    func successResets() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            try await client.register("forgetful@example.com")
            for _ in 1...9 {
                try await client.send(.post, "/v1/auth/login", json: ["email": "forgetful@example.com", "password": "wrong password"])
            }
            _ = try await client.login("forgetful@example.com")
            for _ in 1...9 {
                try await client.send(.post, "/v1/auth/login", json: ["email": "forgetful@example.com", "password": "wrong password"])
                    .expectProblem(.unauthorized)
            }
            _ = try await client.login("forgetful@example.com")
        }
    }

    @Test("100 failures from one client address lock that address only, behind a trusted edge")
    func perAddress() async throws {
        let harness = try await AccountsHarness.make()
        // Live server: the peer is 127.0.0.1, a trusted proxy, so X-Real-IP names the client.
        try await harness.app().test(.live) { client in
            let attacker: HTTPFields = [.realIP: "203.0.113.7"]
            for attempt in 1...100 {
                try await client.send(
                    .post, "/v1/auth/login", json: ["email": "spray\(attempt)@example.com", "password": "password123"], headers: attacker
                ).expectProblem(.unauthorized)
            }
            let locked = try await client.send(
                .post, "/v1/auth/login", json: ["email": "fresh@example.com", "password": "password123"], headers: attacker
            )
            try locked.expectProblem(.tooManyRequests)
            #expect(locked.headers[.retryAfter] == "900")

            let neighbour = try await client.send(
                .post, "/v1/auth/login", json: ["email": "fresh@example.com", "password": "password123"],
                headers: [.realIP: "203.0.113.8"]
            )
            try neighbour.expectProblem(.unauthorized)
        }
    }

    @Test("X-Real-IP from an untrusted peer is ignored")
    func untrustedForwardedHeader() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app(["TRUSTED_PROXIES": "10.9.9.9", "LOGIN_MAX_FAILURES_PER_ADDRESS": "3"]).test(.live) { client in
            // Each attempt claims a different address, but the server counts the real peer.
            for attempt in 1...3 {
                try await client.send(
                    .post, "/v1/auth/login", json: ["email": "u\(attempt)@example.com", "password": "password123"],
                    headers: [.realIP: "198.51.100.\(attempt)"]
                ).expectProblem(.unauthorized)
            }
            try await client.send(
                .post, "/v1/auth/login", json: ["email": "u9@example.com", "password": "password123"],
                headers: [.realIP: "198.51.100.99"]
            ).expectProblem(.tooManyRequests)
        }
    }
}
