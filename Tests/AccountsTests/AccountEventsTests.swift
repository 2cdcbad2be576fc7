import APIShapes
import EventBus
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Messaging
import Models
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

@Suite("Accounts publishes its events through the outbox", .timeLimit(.minutes(3)))
struct AccountEventsTests {
    @Test("account.registered, device.deleted and api_key.revoked reach the broker; failed changes emit nothing")
    func events() async throws {
        let harness = try await AccountsHarness.make()
        var logger = Logger(label: "account-events-test")
        logger.logLevel = .warning
        let queue = TestBroker.uniqueName("test.account-events")
        let topology = Topology.workQueue(queue, routingKeys: [AccountRegistered.type, DeviceDeleted.type, APIKeyRevoked.type])
        let listener = AMQPConnection(name: queue, configuration: try AMQPConfiguration(url: try TestBroker.url()), topology: topology, logger: logger)
        listener.start()
        // Events are published non-mandatory: the queue must exist before they are.
        try await listener.declare(topology)

        try await harness.app().test(.router) { client in
            let user = try await client.register("events@example.com")
            let userId = try #require(UUID(uuidString: user.id))
            // A refused registration writes neither a user nor an event.
            try await client.send(
                .post, "/v1/auth/register", json: ["email": "events@example.com", "password": "another password", "displayName": "X"]
            ).expectProblem(.conflict)

            let token = try await client.login("events@example.com").access
            let deviceId = try await client.send(.post, "/v1/devices", json: ["name": "bot"], token: token).decode(DeviceBody.self).id
            #expect(try await client.send(.delete, "/v1/devices/\(deviceId)", token: token).status == .noContent)
            let keyId = try await client.send(.post, "/v1/api-keys", json: ["name": "k", "scopes": ["signals:follow"]], token: token).decode(NewAPIKeyBody.self).id
            #expect(try await client.send(.delete, "/v1/api-keys/\(keyId)", token: token).status == .noContent)

            // Other tests register users too: look only for this user's events.
            let seen = try await withTimeout("this user's three events") {
                var seen: Set<String> = []
                for await delivery in listener.consume(queue: queue, prefetch: 50) {
                    delivery.ack()
                    let envelope = try EventEnvelope(bytes: delivery.body)
                    #expect(delivery.messageId == envelope.id.uuidString.lowercased())
                    switch envelope.type {
                    case AccountRegistered.type where try envelope.payload(as: AccountRegistered.self).userId == userId:
                        seen.insert(envelope.type)
                    case DeviceDeleted.type where try envelope.payload(as: DeviceDeleted.self).deviceId.uuidString.lowercased() == deviceId:
                        seen.insert(envelope.type)
                    case APIKeyRevoked.type where try envelope.payload(as: APIKeyRevoked.self).apiKeyId.uuidString.lowercased() == keyId:
                        seen.insert(envelope.type)
                    default:
                        break
                    }
                    if seen.count == 3 { break }
                }
                return seen
            }
            #expect(seen == [AccountRegistered.type, DeviceDeleted.type, APIKeyRevoked.type])
        }
        #expect(try await harness.database.count("SELECT count(*)::int FROM outbox WHERE type = 'account.registered'") == 1)
        #expect(try await harness.database.count("SELECT count(*)::int FROM outbox WHERE sent_at IS NULL") == 0)
        await listener.shutdown()
    }
}
