import Foundation
@testable import Models
import Testing

/// The one access rule, with the strategy directory and entitlements in memory: every way a
/// viewer can be refused, and what each allowed viewer is allowed until.
@Suite("Access policy: who may see and follow a strategy")
struct AccessPolicyTests {
    let author = UUID()
    let subscriber = UUID()
    let stranger = UUID()
    let subscriptionEnd = Date(timeIntervalSince1970: 2_000_000_000)

    func policy(_ strategies: [Strategy], subscriptions: [UUID: Date?] = [:]) -> AccessPolicy {
        AccessPolicy(
            strategies: StrategiesInMemory(strategies: Dictionary(uniqueKeysWithValues: strategies.map { ($0.id, $0) })),
            entitlements: EntitlementsInMemory(authors: Dictionary(uniqueKeysWithValues: strategies.map { ($0.id, $0.author.id) }), subscriptions: subscriptions),
            clock: FixedClock()
        )
    }

    func strategy(_ status: StrategyStatus, id: String = "k3v9x2mq7d") -> Strategy {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        return Strategy(
            id: id, author: .init(id: author, displayName: "Author"), slug: "grid", name: "Grid", description: "", kind: .signals,
            status: status, rejectionReason: nil, exchanges: ["binance"], pairs: ["BTC/USDT"], tradingMode: nil, subscriberCount: 0,
            currentVersion: nil, hasLogo: false, pendingListing: nil, createdAt: date, updatedAt: date, publishedAt: nil
        )
    }

    @Test("a published strategy is visible to everyone, an unpublished one only to its author and admins")
    func visibility() async throws {
        let published = strategy(.published, id: "published1")
        let draft = strategy(.draft, id: "draft1")
        let policy = policy([published, draft])
        #expect(try await policy.visibleStrategy(published.id, to: .anonymous) == published)
        #expect(try await policy.visibleStrategy(draft.id, to: .anonymous) == nil)
        #expect(try await policy.visibleStrategy(draft.id, to: Viewer(userId: stranger, isAdmin: false)) == nil)
        #expect(try await policy.visibleStrategy(draft.id, to: Viewer(userId: author, isAdmin: false)) == draft)
        #expect(try await policy.visibleStrategy(draft.id, to: Viewer(userId: stranger, isAdmin: true)) == draft)
        #expect(try await policy.visibleStrategy("../etc", to: Viewer(userId: stranger, isAdmin: true)) == nil)
        #expect(try await policy.visibleStrategy(nil, to: .anonymous) == nil)
        #expect(try await policy.visibleStrategy("missing1", to: Viewer(userId: author, isAdmin: true)) == nil)
    }

    @Test("following needs visibility, then an entitlement: author and admin for good, a subscriber until the subscription ends")
    func following() async throws {
        let published = strategy(.published)
        let policy = policy([published], subscriptions: [subscriber: subscriptionEnd])
        #expect(try await policy.follow(published.id, as: .anonymous) == .notEntitled)
        #expect(try await policy.follow(published.id, as: Viewer(userId: stranger, isAdmin: false)) == .notEntitled)
        #expect(try await policy.follow(published.id, as: Viewer(userId: subscriber, isAdmin: false)) == .allowed(until: subscriptionEnd))
        #expect(try await policy.follow(published.id, as: Viewer(userId: author, isAdmin: false)) == .allowed(until: nil))
        #expect(try await policy.follow(published.id, as: Viewer(userId: stranger, isAdmin: true)) == .allowed(until: nil))
        #expect(try await policy.follow("missing1", as: Viewer(userId: stranger, isAdmin: true)) == .notFound)

        // A subscription does not make a taken-down strategy visible again.
        let takenDown = strategy(.takenDown)
        #expect(try await self.policy([takenDown], subscriptions: [subscriber: nil]).follow(takenDown.id, as: Viewer(userId: subscriber, isAdmin: false)) == .notFound)
    }

    @Test("an API key follows only with signals:follow, and only the strategies it is limited to")
    func apiKeys() async throws {
        let published = strategy(.published)
        let policy = policy([published], subscriptions: [subscriber: nil])
        func key(_ scopes: Set<APIKeyScope>, _ strategyIds: [String]) -> Viewer {
            Viewer(userId: subscriber, isAdmin: false, keyGrant: .init(scopes: scopes, strategyIds: strategyIds))
        }
        #expect(try await policy.follow(published.id, as: key([.signalsEmit], [])) == .notEntitled)
        #expect(try await policy.follow(published.id, as: key([.signalsFollow], ["other1"])) == .notEntitled)
        #expect(try await policy.follow(published.id, as: key([.signalsFollow], [published.id])) == .allowed(until: nil))
        #expect(try await policy.follow(published.id, as: key([.signalsFollow], [])) == .allowed(until: nil))
    }
}

private struct StrategiesInMemory: StrategyDirectory {
    let strategies: [String: Strategy]
    func find(id: String) async throws -> Strategy? { strategies[id] }
}

/// Authors and admins are entitled; subscribers until their end (nil: open-ended).
private struct EntitlementsInMemory: Entitlements {
    let authors: [String: UUID]
    let subscriptions: [UUID: Date?]
    func access(userId: UUID, isAdmin: Bool, strategyId: String, at now: Date) async throws -> Entitlement {
        if isAdmin || authors[strategyId] == userId { return .allowed(until: nil) }
        guard let end = subscriptions[userId] else { return .denied }
        return .allowed(until: end)
    }
}

private struct FixedClock: WallClock {
    func now() -> Date { Date(timeIntervalSince1970: 1_800_000_000) }
}
