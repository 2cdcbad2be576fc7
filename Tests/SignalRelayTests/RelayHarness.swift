import AccountsStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Models
import PostgresNIO
import Rules
import ServiceKit
import SignalStore
import StrategyStore
import SubscriptionStore
import Synchronization
import TestSupport
import Testing

@testable import SignalRelay

/// A database, a broker virtual host and what following needs: an author with a published
/// signal strategy and an emit key, a subscribed follower with a device, a stranger.
struct RelayHarness {
    let bed: ServiceTestBed
    let clock: any WallClock = SystemWallClock()
    var database: TestDatabase { bed.database }
    var accounts: TestAccounts { bed.accounts }
    static let logger = ServiceTestBed.logger

    static func make() async throws -> RelayHarness {
        RelayHarness(bed: try await .make(isolatedBroker: true))
    }

    func environment(_ overrides: [String: String] = [:]) -> [String: String] {
        bed.environment(["MQTT_PORT": "0", "EMIT_RATE_PER_SECOND": "100000", "EMIT_BURST": "100000"].merging(overrides) { $1 })
    }

    /// A relay instance; `mqttPort` is filled in once its MQTT listener is bound.
    func relay(_ overrides: [String: String] = [:], mqttPort: BoundPort? = nil) async throws -> some ApplicationProtocol {
        try await SignalRelay.buildApplication(
            try SignalRelayConfiguration(environment: EnvironmentReader(environment(overrides))), clock: clock,
            onMQTTBound: { port in mqttPort?.set(port) }
        )
    }

    struct World {
        let author: TestUser
        let follower: TestUser
        let stranger: TestUser
        let strategyId: String
        let otherStrategyId: String
        let emitKey: String
        let followerDevice: UUID
        let strangerDevice: UUID
        let subscriptionId: UUID
    }

    func world() async throws -> World {
        let author = try await bed.user("Author", at: clock.now())
        let follower = try await bed.user("Follower", at: clock.now())
        let stranger = try await bed.user("Stranger", at: clock.now())
        return try await database.withClient { client in
            let strategies = PostgresStrategyRepository(client: client, logger: Self.logger)
            var ids: [String] = []
            for name in ["Main signals", "Other signals"] {
                let strategy = try await strategies.create(
                    NewStrategy(authorId: author.id, name: name, description: "Signals for tests.", kind: .signals, exchange: "binance", pairs: ["BTC/USDT"]),
                    at: clock.now()
                )
                _ = try await strategies.submitListing(id: strategy.id, at: clock.now())
                try await database.approve(strategy.id, subject: .listing, at: clock.now())
                ids.append(strategy.id)
            }
            let emitKey = try await self.emitKey(for: author, strategyIds: [ids[0]])
            let devices = PostgresDeviceRepository(client: client, logger: Self.logger)
            let followerDevice = Device(id: UUID(), userId: follower.id, name: "follower bot", createdAt: clock.now())
            let strangerDevice = Device(id: UUID(), userId: stranger.id, name: "stranger bot", createdAt: clock.now())
            try await devices.create(followerDevice)
            try await devices.create(strangerDevice)
            let subscriptions = PostgresSubscriptionRepository(client: client, logger: Self.logger, tokens: try DownloadTokenIssuer(secret: String(repeating: "s", count: 40)))
            guard case .created(let subscription) = try await subscriptions.subscribe(userId: follower.id, strategyId: ids[0], at: clock.now()) else {
                throw NeverHappened(description: "the follower could not subscribe")
            }
            return World(
                author: author, follower: follower, stranger: stranger, strategyId: ids[0], otherStrategyId: ids[1], emitKey: emitKey,
                followerDevice: followerDevice.id, strangerDevice: strangerDevice.id, subscriptionId: subscription.id
            )
        }
    }

    /// A new `signals:emit` API key of `author` naming `strategyIds`.
    func emitKey(for author: TestUser, strategyIds: [String]) async throws -> String {
        let secret = SecretToken.generate(prefix: APIKeyFormat.prefix)
        try await database.withClient { client in
            try await PostgresAPIKeyRepository(client: client, logger: Self.logger).create(
                APIKey(id: UUID(), userId: author.id, name: "bot", prefix: String(secret.value.prefix(9)), scopes: [.signalsEmit], strategyIds: strategyIds, createdAt: clock.now()),
                secretHash: secret.hash
            )
        }
        return secret.value
    }

    /// `strategyId`'s hash chain, recomputed from the log as `astrolab-admin signals verify` does.
    func verifiedChain(_ strategyId: String) async throws -> ChainVerification {
        try await database.withClient { client in
            try await PostgresSignalLog(client: client, logger: Self.logger).verify(strategyId)
        }
    }

    /// A profile strategy of `author` (published or not does not matter to the relay).
    func profileStrategy(of author: TestUser) async throws -> String {
        try await database.withClient { client in
            try await PostgresStrategyRepository(client: client, logger: Self.logger).create(
                NewStrategy(authorId: author.id, name: "A profile", description: "Shares a profile.", kind: .profile, exchange: nil, pairs: []),
                at: clock.now()
            ).id
        }
    }

    /// A fixture bundle with its identifier set to `strategyId` (bots set it to the strategy id).
    static func fixtureBundle(_ name: String, strategyId: String) throws -> [UInt8] {
        let text = String(decoding: try OctoBotFixtures.data("signals/\(name)"), as: UTF8.self)
        return Array(text.replacingOccurrences(of: "\"my-strategy-identifier\"", with: "\"\(strategyId)\"").utf8)
    }
}

/// The port a relay's MQTT listener bound (tests listen on port 0).
final class BoundPort: Sendable {
    private let value = Mutex<Int?>(nil)

    func set(_ port: Int) {
        value.withLock { $0 = port }
    }

    var port: Int? { value.withLock { $0 } }
}
