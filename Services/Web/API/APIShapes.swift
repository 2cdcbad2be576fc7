import ExactJSON
import Foundation
import ServiceKit

/// The parts of the API's shapes the pages show (docs/API.md).
struct StrategyData: Decodable, Sendable {
    struct Author: Decodable, Sendable {
        let id: String
        let displayName: String
    }

    struct Version: Decodable, Sendable {
        let number: Int
        let status: String
        let createdAt: Date
    }

    let id: String
    let slug: String
    let name: String
    let description: String
    let kind: String
    let status: String
    let rejectionReason: String?
    let author: Author
    let exchange: String?
    let exchanges: [String]
    let pairs: [String]
    let tradingMode: String?
    let logoUrl: String?
    let subscriberCount: Int
    let currentVersion: Version?
    let publishedAt: Date?
    /// Present for the author while edits of a published strategy wait for review.
    let pendingChanges: JSONObject?

    /// Moderation took it down (`rejectionReason` says why): final.
    var isTakenDown: Bool { status == "taken_down" }
}

struct StrategyListData: Decodable, Sendable {
    let items: [StrategyData]
}

struct VersionData: Decodable, Sendable {
    struct Summary: Decodable, Sendable {
        let tradingMode: String?
        let evaluators: [String]
        let exchanges: [String]
        let pairs: [String]
    }

    let number: Int
    let status: String
    let summary: Summary?
    let warnings: [String]
    let rejectionReason: String?
    let createdAt: Date
}

struct VersionListData: Decodable, Sendable {
    let items: [VersionData]
}

struct CatalogPageData: Decodable, Sendable {
    let items: [StrategyData]
    let nextCursor: String?
}

struct SubscriptionData: Decodable, Sendable {
    let id: String
    let strategyId: String
    let status: String
    let startedAt: Date
    let endsAt: Date?
    let downloadUrl: String?
}

struct SubscriptionListData: Decodable, Sendable {
    let items: [SubscriptionData]
}

struct TokenPairData: Decodable, Sendable {
    let accessToken: String
    let refreshToken: String
    let expiresIn: Int
}

struct UserData: Decodable, Sendable {
    let id: String
    let email: String
    let displayName: String
    let roles: [String]
}

struct CaseData: Decodable, Sendable {
    struct Check: Decodable, Sendable {
        let name: String
        let passed: Bool
        let detail: String
    }

    let id: String
    let strategyId: String
    let strategyName: String
    let subject: String
    let version: Int?
    let status: String
    let checks: [Check]
    let openedAt: Date
    let note: String?
    let reason: String?
}

struct CaseListData: Decodable, Sendable {
    let items: [CaseData]
    let nextCursor: String?
}

struct APIKeyData: Decodable, Sendable {
    let id: String
    let name: String
    let prefix: String?
    let key: String?
    let scopes: [String]
    let strategyIds: [String]
    let createdAt: Date
}

struct DeviceData: Decodable, Sendable {
    let id: String
    let name: String
    let createdAt: Date
}

struct BotData: Decodable, Sendable {
    let id: String
    let name: String?
    let deployment: String?
    let version: String?
    let lastActivityAt: Date?
}

struct CommunityConnectionData: Decodable, Sendable {
    let backendUrl: String
    let publicKey: String
    let feedHost: String
    let feedPort: Int
}

struct ItemsData<Item: Decodable & Sendable>: Decodable, Sendable {
    let items: [Item]
}

struct SignalRecordData: Decodable, Sendable {
    let seq: Int
    let receivedAt: Date
    let hash: String
    let envelope: JSON
}

struct SignalHistoryData: Decodable, Sendable {
    let items: [SignalRecordData]
}

struct SignalHeadData: Decodable, Sendable {
    let seq: Int
    let hash: String
}
