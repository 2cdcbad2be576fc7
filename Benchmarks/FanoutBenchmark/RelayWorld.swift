import AccountsStore
import Foundation
import Logging
import Models
import PostgresNIO
import StrategyStore
import SubscriptionStore

/// What a run against the relay needs, made straight in the installation's database: an author
/// with a published signal strategy (and a silent one for idle followers) and the MQTT device
/// the author's bot publishes from; a subscribed follower with a follow key (WebSocket) and one
/// device per MQTT connection.
struct RelayWorld: Sendable {
    let strategyId: String
    let silentStrategyId: String
    let authorDevice: UUID
    let followKey: String
    let devices: [UUID]

    static func make(databaseURL: String, devices count: Int, logger: Logger) async throws -> RelayWorld {
        try await withPostgresClient(try DatabaseURL.configuration(from: databaseURL), logger: logger) { client in
            let now = Date()
            let users = PostgresUserRepository(client: client, logger: logger)
            let tag = UUID().uuidString.prefix(8).lowercased()
            let author = try await users.create(email: "load-author-\(tag)@example.com", displayName: "Load author", passwordHash: "-", metadataJSON: "{}", at: now)
            let follower = try await users.create(email: "load-follower-\(tag)@example.com", displayName: "Load follower", passwordHash: "-", metadataJSON: "{}", at: now)
            let strategies = PostgresStrategyRepository(client: client, logger: logger)
            var ids: [String] = []
            for name in ["Load test \(tag)", "Silent \(tag)"] {
                let strategy = try await strategies.create(
                    NewStrategy(authorId: author.id, name: name, description: "Load test.", kind: .signals, exchange: "binance", pairs: ["BTC/USDT"]), at: now
                )
                _ = try await strategies.submitListing(id: strategy.id, at: now)
                try await client.withTransaction(logger: logger) { connection in
                    try await StrategyReviews.approve(
                        ModerationCaseApproved(caseId: UUID(), strategyId: strategy.id, subject: .listing, version: nil, moderatorId: UUID(), note: "load test"),
                        at: now, on: connection, logger: logger
                    )
                }
                ids.append(strategy.id)
            }
            let keys = PostgresAPIKeyRepository(client: client, logger: logger)
            let followKey = SecretToken.generate(prefix: "ak_")
            try await keys.create(APIKey(id: UUID(), userId: follower.id, name: "load follower", prefix: String(followKey.value.prefix(9)), scopes: [.signalsFollow], strategyIds: [], createdAt: now), secretHash: followKey.hash)
            let subscriptions = PostgresSubscriptionRepository(client: client, logger: logger, tokens: try DownloadTokenIssuer(secret: UUID().uuidString + UUID().uuidString))
            for id in ids { _ = try await subscriptions.subscribe(userId: follower.id, strategyId: id, at: now) }
            let deviceRepository = PostgresDeviceRepository(client: client, logger: logger)
            let authorDevice = Device(id: UUID(), userId: author.id, name: "load author bot", createdAt: now)
            try await deviceRepository.create(authorDevice)
            var devices: [UUID] = []
            for index in 0..<count {
                let device = Device(id: UUID(), userId: follower.id, name: "load \(index)", createdAt: now)
                try await deviceRepository.create(device)
                devices.append(device.id)
            }
            return RelayWorld(strategyId: ids[0], silentStrategyId: ids[1], authorDevice: authorDevice.id, followKey: followKey.value, devices: devices)
        }
    }
}
