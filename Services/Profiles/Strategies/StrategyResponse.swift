import Foundation
import Hummingbird
import Models
import ServiceKit

/// A strategy as API.md shows it. Pending edits are shown to its author and admins only.
struct StrategyResponse: ResponseEncodable {
    struct Author: Encodable {
        let id: String
        let displayName: String
    }

    struct CurrentVersion: Encodable {
        let number: Int
        let status: String
        let sha256: String
        let sizeBytes: Int
        let createdAt: Date
    }

    let id: String
    let slug: String
    let name: String
    let description: String
    let kind: String
    let status: String
    @NullWhenAbsent var rejectionReason: String?
    let author: Author
    @NullWhenAbsent var exchange: String?
    let exchanges: [String]
    let pairs: [String]
    @NullWhenAbsent var tradingMode: String?
    @NullWhenAbsent var logoUrl: String?
    let subscriberCount: Int
    @NullWhenAbsent var currentVersion: CurrentVersion?
    /// Left out, not null, when there is none to show (only its author and admins see it).
    let pendingChanges: ListingChanges?
    let createdAt: Date
    let updatedAt: Date
    @NullWhenAbsent var publishedAt: Date?

    init(_ strategy: Strategy, viewer: Principal?) {
        id = strategy.id
        slug = strategy.slug
        name = strategy.name
        description = strategy.description
        kind = strategy.kind.rawValue
        status = strategy.status.rawValue
        rejectionReason = strategy.rejectionReason
        author = Author(id: strategy.author.id.uuidString.lowercased(), displayName: strategy.author.displayName)
        exchange = strategy.exchange
        exchanges = strategy.exchanges
        pairs = strategy.pairs
        tradingMode = strategy.tradingMode
        logoUrl = strategy.hasLogo ? "/v1/strategies/\(strategy.id)/logo" : nil
        subscriberCount = strategy.subscriberCount
        currentVersion = strategy.currentVersion.map {
            CurrentVersion(number: $0.number, status: $0.status.rawValue, sha256: $0.sha256, sizeBytes: $0.sizeBytes, createdAt: $0.createdAt)
        }
        pendingChanges = strategy.isManaged(by: viewer) ? strategy.pendingListing : nil
        createdAt = strategy.createdAt
        updatedAt = strategy.updatedAt
        publishedAt = strategy.publishedAt
    }
}
