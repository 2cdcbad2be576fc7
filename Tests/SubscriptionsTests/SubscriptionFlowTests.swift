import APIShapes
import ExactJSON
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import OctoBotFormats
import PostgresNIO
import Testing
import TestSupport

@Suite("Subscriptions and downloads", .timeLimit(.minutes(5)))
struct SubscriptionFlowTests {
    @Test("subscribe → download URL → plain GET gives the approved zip byte for byte → cancel → 404")
    func seedFlow() async throws {
        let harness = try await SubscriptionsHarness.make(isolatedBroker: true)
        let author = try await harness.user("Author")
        let follower = try await harness.user("Follower")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                let id = try await profiles.createStrategyId(author, name: "BTC dip hunter")
                #expect(try await profiles.upload(try OctoBotFixtures.data("exports/daily_trading_export.zip"), to: id, as: author).status == .created)
                try await subscriptions.subscribe(follower, to: id).expectProblem(.notFound)  // pending review: not published
                try await harness.approve(id, subject: .version, version: 1)

                let created = try await subscriptions.subscribe(follower, to: id)
                #expect(created.status == .created)
                let subscription = try created.decode(SubscriptionBody.self)
                #expect(subscription.status == "active")
                #expect(subscription.endsAt == nil)
                let url = try #require(subscription.downloadUrl)
                #expect(url.hasPrefix("http://edge.test/d/") && url.hasSuffix("/btc-dip-hunter.zip"))

                // The bot's GET: no Authorization, no cookies.
                let download = try await profiles.send(.get, url.downloadPath)
                #expect(download.status == .ok)
                #expect(download.headers[.contentType] == "application/zip")
                #expect(download.headers[.contentDisposition] == "attachment; filename=\"btc-dip-hunter.zip\"")
                let stored = try await profiles.send(.get, "/v1/strategies/\(id)/versions/1/profile.zip", token: author.token)
                #expect(download.bytes == stored.bytes)
                #expect(try SafeZipReader.files(in: download.bytes, limits: .profileUpload).contains { $0.path == "profile.json" })

                // Subscribing again answers with the same subscription and URL.
                let again = try await subscriptions.subscribe(follower, to: id)
                #expect(again.status == .ok)
                #expect(try again.decode(SubscriptionBody.self).downloadUrl == url)
                try await eventually("the subscriber count follows the event") {
                    try await profiles.strategy(id, as: nil).subscriberCount == 1
                }

                let subscriptionId = subscription.id
                let cancelled = try await subscriptions.send(.delete, "/v1/subscriptions/\(subscriptionId)", token: follower.token)
                #expect(cancelled.status == .ok)
                let ended = try cancelled.decode(SubscriptionBody.self)
                #expect(ended.status == "cancelled")
                #expect(ended.downloadUrl == nil)
                // A DELETE: the cancelled subscription is gone for its user.
                try await subscriptions.send(.get, "/v1/subscriptions/\(subscriptionId)", token: follower.token).expectProblem(.notFound)
                try await subscriptions.send(.delete, "/v1/subscriptions/\(subscriptionId)", token: follower.token).expectProblem(.notFound)
                let listed = try await subscriptions.send(.get, "/v1/subscriptions", token: follower.token).decode(Page<SubscriptionBody>.self)
                #expect(listed.items.contains { $0.id == subscriptionId } == false)
                try await profiles.send(.get, url.downloadPath).expectProblem(.notFound)
                #expect(try await harness.count("SELECT count(*)::int FROM outbox WHERE type = 'subscription.ended'") == 1)
                try await eventually("the subscriber count drops") {
                    try await profiles.strategy(id, as: nil).subscriberCount == 0
                }

                // Subscribing after cancelling starts a new subscription with a new URL.
                let renewed = try await subscriptions.subscribe(follower, to: id)
                #expect(renewed.status == .created)
                let renewedURL = try #require(try renewed.decode(SubscriptionBody.self).downloadUrl)
                #expect(renewedURL != url)
                #expect(try await profiles.send(.get, renewedURL.downloadPath).status == .ok)
            }
        }
    }

    @Test("a signal strategy's download is a follower profile on its identifier, valid for OctoBot's schema")
    func followerProfile() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let follower = try await harness.user("Follower")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                let id = try await profiles.createStrategyId(author, name: "ETH signals", kind: "signals", exchange: "kucoin", pairs: ["ETH/USDT", "BTC/USDT"])
                #expect(try await profiles.send(.put, "/v1/strategies/\(id)/logo", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2], contentType: "image/png", token: author.token).status == .noContent)
                #expect(try await profiles.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                try await harness.approve(id, subject: .listing)
                let url = try #require(try await subscriptions.subscribe(follower, to: id).decode(SubscriptionBody.self).downloadUrl)
                let download = try await profiles.send(.get, url.downloadPath)
                #expect(download.status == .ok)
                let files = try SafeZipReader.files(in: download.bytes, limits: .profileUpload)
                #expect(files.allSatisfy { !$0.path.contains("/") || $0.path.hasPrefix("specific_config/") })
                let specific = try JSONParser.parse(try #require(files.first { $0.path == "specific_config/RemoteTradingSignalsTradingMode.json" }).bytes)
                #expect(specific["trading_strategy"]?.stringValue == id)
                let tentacles = try JSONParser.parse(try #require(files.first { $0.path == "tentacles_config.json" }).bytes)
                #expect(tentacles["tentacle_activation"]?["Trading"]?["RemoteTradingSignalsTradingMode"] == .bool(true))
                let profile = try JSONParser.parse(try #require(files.first { $0.path == "profile.json" }).bytes)
                let schema = try JSONSchemaDocument.node(from: try JSONParser.parse(try OctoBotFixtures.data("profile_schema.json")))
                #expect(SchemaValidator.validate(profile, against: schema).isEmpty)
                #expect(profile["config"]?["exchanges"]?.objectValue?.keys == ["kucoin"])
                #expect(profile["profile"]?["name"]?.stringValue == "ETH signals")
                #expect(profile["profile"]?["avatar"]?.stringValue == "logo.png")
                #expect(files.first { $0.path == "logo.png" }?.bytes.starts(with: [0x89, 0x50]) == true)
                // Downloading again gives the same bytes (the bot de-duplicates by URL, caches by ETag).
                let second = try await profiles.send(.get, url.downloadPath)
                #expect(second.bytes == download.bytes && second.headers[.eTag] == download.headers[.eTag])
            }
        }
    }

    @Test("rotation kills the old URL at once; the URL is stable across a new approved version")
    func rotationAndStability() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let follower = try await harness.user("Follower")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                let id = try await profiles.createStrategyId(author)
                #expect(try await profiles.upload(try TestZips.profile("simple_dca"), to: id, as: author).status == .created)
                try await harness.approve(id, subject: .version, version: 1)
                let subscription = try await subscriptions.subscribe(follower, to: id).decode(SubscriptionBody.self)
                let subscriptionId = subscription.id
                let url = try #require(subscription.downloadUrl)
                let first = try await profiles.send(.get, url.downloadPath).bytes

                #expect(try await profiles.upload(try TestZips.profile("grid_trading"), to: id, as: author).status == .created)
                #expect(try await profiles.send(.get, url.downloadPath).bytes == first, "a version waiting for review is not served")
                try await harness.approve(id, subject: .version, version: 2)
                let read = try await subscriptions.send(.get, "/v1/subscriptions/\(subscriptionId)", token: follower.token).decode(SubscriptionBody.self)
                #expect(read.downloadUrl == url)
                let second = try await profiles.send(.get, url.downloadPath).bytes
                #expect(second != first)
                #expect(try ProfileArchive.validate(zip: second).summary.tradingMode == "GridTradingMode")

                let rotated = try await subscriptions.send(.post, "/v1/subscriptions/\(subscriptionId)/download-url", token: follower.token)
                #expect(rotated.status == .ok)
                let newURL = try #require(try rotated.decode(SubscriptionBody.self).downloadUrl)
                #expect(newURL != url)
                try await profiles.send(.get, url.downloadPath).expectProblem(.notFound)
                #expect(try await profiles.send(.get, newURL.downloadPath).bytes == second)
                let listed = try await subscriptions.send(.get, "/v1/subscriptions", token: follower.token).decode(Page<SubscriptionBody>.self)
                #expect(listed.items.first?.downloadUrl == newURL)
            }
        }
    }

    @Test("others cannot read, cancel or rotate a subscription; drafts and rejected strategies cannot be subscribed")
    func ownershipAndVisibility() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let follower = try await harness.user("Follower")
        let intruder = try await harness.user("Intruder")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                let draft = try await profiles.createStrategyId(author, name: "Draft", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                try await subscriptions.subscribe(follower, to: draft).expectProblem(.notFound)
                try await subscriptions.subscribe(author, to: draft).expectProblem(.notFound)
                try await subscriptions.subscribe(follower, to: "nosuchstrategy").expectProblem(.notFound)
                try await subscriptions.subscribe(follower, to: "../etc").expectProblem(.unprocessableContent)
                try await subscriptions.send(.post, "/v1/subscriptions", json: ["strategyId": draft]).expectProblem(.unauthorized)

                let published = try await profiles.createStrategyId(author, name: "Public", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                #expect(try await profiles.send(.post, "/v1/strategies/\(published)/submit", token: author.token).status == .ok)
                try await harness.approve(published, subject: .listing)
                let id = try await subscriptions.subscribe(follower, to: published).decode(SubscriptionBody.self).id
                try await subscriptions.send(.get, "/v1/subscriptions/\(id)", token: intruder.token).expectProblem(.notFound)
                try await subscriptions.send(.delete, "/v1/subscriptions/\(id)", token: intruder.token).expectProblem(.notFound)
                try await subscriptions.send(.post, "/v1/subscriptions/\(id)/download-url", token: intruder.token).expectProblem(.notFound)
                let intruderList = try await subscriptions.send(.get, "/v1/subscriptions", token: intruder.token).decode(Page<SubscriptionBody>.self)
                #expect(intruderList.items.isEmpty)
                #expect(try await subscriptions.send(.get, "/v1/subscriptions/\(id)", token: follower.token).status == .ok)
                try await subscriptions.send(.get, "/v1/subscriptions/not-a-uuid", token: follower.token).expectProblem(.notFound)

                // Cancelling is the DELETE: once done, the subscription is gone for its user.
                #expect(try await subscriptions.send(.delete, "/v1/subscriptions/\(id)", token: follower.token).status == .ok)
                try await subscriptions.send(.delete, "/v1/subscriptions/\(id)", token: follower.token).expectProblem(.notFound)
                try await subscriptions.send(.post, "/v1/subscriptions/\(id)/download-url", token: follower.token).expectProblem(.notFound)
                #expect(try await harness.count("SELECT count(*)::int FROM outbox WHERE type = 'subscription.ended'") == 1)
            }
        }
    }

    @Test("concurrent subscribe requests of one user make one subscription")
    func concurrentSubscribe() async throws {
        let harness = try await SubscriptionsHarness.make()
        let author = try await harness.user("Author")
        let follower = try await harness.user("Follower")
        try await harness.profilesApp().test(.router) { profiles in
            try await harness.subscriptionsApp().test(.router) { subscriptions in
                let id = try await profiles.createStrategyId(author, name: "Popular", kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
                #expect(try await profiles.send(.post, "/v1/strategies/\(id)/submit", token: author.token).status == .ok)
                try await harness.approve(id, subject: .listing)
                let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let response = try await subscriptions.subscribe(follower, to: id)
                            return (response.status, try response.decode(SubscriptionBody.self).id)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(answers.map(\.1)).count == 1)
                #expect(answers.filter { $0.0 == .created }.count == 1)
                #expect(try await harness.count("SELECT count(*)::int FROM subscriptions") == 1)
                #expect(try await harness.count("SELECT count(*)::int FROM outbox WHERE type = 'subscription.started'") == 1)
            }
        }
    }
}
