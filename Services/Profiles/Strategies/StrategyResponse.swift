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
    let rejectionReason: String?
    let author: Author
    let exchange: String?
    let exchanges: [String]
    let pairs: [String]
    let tradingMode: String?
    let logoUrl: String?
    let subscriberCount: Int
    let currentVersion: CurrentVersion?
    let pendingChanges: ListingChanges?
    let createdAt: Date
    let updatedAt: Date
    let publishedAt: Date?

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

    /// Nulls are written out (`"rejectionReason": null`), as API.md shows them.
    enum CodingKeys: String, CodingKey {
        case id, slug, name, description, kind, status, rejectionReason, author, exchange, exchanges, pairs, tradingMode
        case logoUrl, subscriberCount, currentVersion, pendingChanges, createdAt, updatedAt, publishedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(slug, forKey: .slug)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(kind, forKey: .kind)
        try container.encode(status, forKey: .status)
        try container.encode(rejectionReason, forKey: .rejectionReason)
        try container.encode(author, forKey: .author)
        try container.encode(exchange, forKey: .exchange)
        try container.encode(exchanges, forKey: .exchanges)
        try container.encode(pairs, forKey: .pairs)
        try container.encode(tradingMode, forKey: .tradingMode)
        try container.encode(logoUrl, forKey: .logoUrl)
        try container.encode(subscriberCount, forKey: .subscriberCount)
        try container.encode(currentVersion, forKey: .currentVersion)
        try container.encodeIfPresent(pendingChanges, forKey: .pendingChanges)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(publishedAt, forKey: .publishedAt)
    }
}
