import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Models
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

@Suite("API keys and devices belong to their user")
struct OwnershipTests {
    @Test("an API key is shown once, listed without its secret, and refused at once after revocation")
    func apiKeyLifecycle() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let token = try await client.signUp("bot-owner@example.com")
            let created = try await client.send(.post, "/v1/api-keys", json: ["name": "my bot", "scopes": ["signals:follow"]], token: token)
            #expect(created.status == .created)
            let key = try created.decode(NewAPIKeyBody.self)
            let secret = key.key
            let id = key.id
            #expect(secret.hasPrefix("ak_") && secret.count > 40)
            #expect(key.scopes == ["signals:follow"])

            let list = try await client.send(.get, "/v1/api-keys", token: token)
            #expect(try list.decode(Page<APIKeyBody>.self).items.count == 1)
            // Absent, not null: read on the JSON itself, as a decoded shape cannot tell the two apart.
            let listed = try #require(try list.jsonObject()["items"] as? [[String: Any]])
            #expect(listed.first?["key"] == nil)
            #expect(!list.bodyString.contains(secret))
            let stored = try await harness.database.count("SELECT count(*)::int FROM api_keys WHERE key_hash = sha256(convert_to(\(secret), 'UTF8'))")
            #expect(stored == 1, "only the hash of the secret is stored")

            // A valid key is a real credential, but not one that may manage the account.
            try await client.send(.get, "/v1/me", token: secret).expectProblem(.forbidden)

            #expect(try await client.send(.delete, "/v1/api-keys/\(id)", token: token).status == .noContent)
            try await client.send(.get, "/v1/me", token: secret).expectProblem(.unauthorized)
            let afterRevoke = try await client.send(.get, "/v1/api-keys", token: token).decode(Page<APIKeyBody>.self)
            #expect(afterRevoke.items.isEmpty)
            try await client.send(.delete, "/v1/api-keys/\(id)", token: token).expectProblem(.notFound)
        }
    }

    @Test("signals:emit keys must name strategies their user authors")
    func emitKeys() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let token = try await client.signUp("author@example.com")
            let other = try await client.register("other@example.com")
            let myId = try await client.send(.get, "/v1/me", token: token).decode(UserBody.self).id
            let otherId = other.id
            try await harness.database.withClient { database in
                for (id, author) in [("mine1234", myId), ("theirs99", otherId)] {
                    let authorId = try #require(UUID(uuidString: author))
                    try await database.query(
                        """
                        INSERT INTO strategies (id, author_id, slug, name, description, kind, created_at, updated_at)
                        VALUES (\(id), \(authorId), \(id), \(id), '', 'signals', now(), now())
                        """,
                        logger: Logger(label: "test")
                    )
                }
            }
            try await client.send(.post, "/v1/api-keys", json: ["name": "emit", "scopes": ["signals:emit"]], token: token)
                .expectProblem(.unprocessableContent)
            try await client.send(.post, "/v1/api-keys", json: ["name": "emit", "scopes": ["signals:emit"], "strategyIds": ["theirs99"]], token: token)
                .expectProblem(.forbidden)
            try await client.send(.post, "/v1/api-keys", json: ["name": "emit", "scopes": ["signals:emit"], "strategyIds": ["nosuch00"]], token: token)
                .expectProblem(.forbidden)
            try await client.send(.post, "/v1/api-keys", json: ["name": "emit", "scopes": ["signals:emit"], "strategyIds": ["../etc"]], token: token)
                .expectProblem(.unprocessableContent)
            try await client.send(.post, "/v1/api-keys", json: ["name": "x", "scopes": ["admin:everything"]], token: token)
                .expectProblem(.unprocessableContent)
            let ok = try await client.send(.post, "/v1/api-keys", json: ["name": "emit", "scopes": ["signals:emit"], "strategyIds": ["mine1234"]], token: token)
            #expect(ok.status == .created)
            #expect(try ok.decode(NewAPIKeyBody.self).strategyIds == ["mine1234"])
            #expect(try await harness.database.count("SELECT count(*)::int FROM api_keys") == 1)
        }
    }

    @Test("one user cannot list, read or delete another's keys or devices")
    func isolation() async throws {
        let harness = try await AccountsHarness.make()
        try await harness.app().test(.router) { client in
            let alice = try await client.signUp("alice@example.com")
            let bob = try await client.signUp("bob@example.com")
            let key = try await client.send(.post, "/v1/api-keys", json: ["name": "a", "scopes": ["signals:follow"]], token: alice).decode(NewAPIKeyBody.self)
            let device = try await client.send(.post, "/v1/devices", json: ["name": "alice's bot"], token: alice)
            #expect(device.status == .created)
            let deviceId = try device.decode(DeviceBody.self).id
            #expect(UUID(uuidString: deviceId) != nil)
            let keyId = key.id

            #expect(try await client.send(.get, "/v1/api-keys", token: bob).decode(Page<APIKeyBody>.self).items.isEmpty)
            #expect(try await client.send(.get, "/v1/devices", token: bob).decode(Page<DeviceBody>.self).items.isEmpty)
            try await client.send(.delete, "/v1/api-keys/\(keyId)", token: bob).expectProblem(.notFound)
            try await client.send(.delete, "/v1/devices/\(deviceId)", token: bob).expectProblem(.notFound)
            try await client.send(.delete, "/v1/devices/not-a-uuid", token: bob).expectProblem(.notFound)

            #expect(try await client.send(.get, "/v1/api-keys", token: alice).decode(Page<APIKeyBody>.self).items.count == 1)
            #expect(try await client.send(.get, "/v1/devices", token: alice).decode(Page<DeviceBody>.self).items.count == 1)
            #expect(try await client.send(.delete, "/v1/devices/\(deviceId)", token: alice).status == .noContent)
            #expect(try await client.send(.get, "/v1/devices", token: alice).decode(Page<DeviceBody>.self).items.isEmpty)

            try await client.send(.post, "/v1/devices", json: ["name": ""], token: alice).expectProblem(.unprocessableContent)
            try await client.send(.get, "/v1/devices").expectProblem(.unauthorized)
        }
    }
}
