import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Supplies the keys that verify access tokens.
public protocol VerificationKeyProvider: Sendable {
    /// `refreshing` asks for a fresh copy (a token named a key we do not know yet).
    func keys(refreshing: Bool) async throws -> JWTKeyCollection
}

extension VerificationKeyProvider {
    func keys() async throws -> JWTKeyCollection { try await keys(refreshing: false) }
}

/// A fixed public key from configuration (or, in accounts, its own signing key).
public struct StaticVerificationKeys: VerificationKeyProvider {
    let collection: JWTKeyCollection

    public init(publicKey: ES256PublicKey) async throws {
        collection = JWTKeyCollection()
        await collection.add(ecdsa: publicKey, kid: JWKIdentifier(string: try ES256Keys.keyIdentifier(for: publicKey)))
    }

    public init(publicKeyPEM: String) async throws {
        try await self.init(publicKey: ES256PublicKey(pem: publicKeyPEM))
    }

    public func keys(refreshing: Bool) async throws -> JWTKeyCollection { collection }
}

/// The accounts service's JWKS document, fetched on first use and cached. A refresh is asked for
/// when a token names an unknown key, at most once per `minimumRefreshInterval` so that junk
/// tokens cannot turn into a flood of fetches.
public actor JWKSVerificationKeys: VerificationKeyProvider {
    let url: URL
    let httpClient: HTTPClient
    let logger: Logger
    let maximumAge: Duration
    let minimumRefreshInterval: Duration
    private var cached: (collection: JWTKeyCollection, fetchedAt: ContinuousClock.Instant)?
    /// Requests that arrive while a fetch is under way wait for it instead of fetching again.
    private var inFlight: Task<JWTKeyCollection, any Error>?

    public init(
        url: URL, httpClient: HTTPClient = .shared, logger: Logger,
        maximumAge: Duration = .seconds(600), minimumRefreshInterval: Duration = .seconds(30)
    ) {
        self.url = url
        self.httpClient = httpClient
        self.logger = logger
        self.maximumAge = maximumAge
        self.minimumRefreshInterval = minimumRefreshInterval
    }

    public func keys(refreshing: Bool) async throws -> JWTKeyCollection {
        let now = ContinuousClock.now
        if let cached {
            let age = cached.fetchedAt.duration(to: now)
            let stale = age > maximumAge || (refreshing && age > minimumRefreshInterval)
            if !stale { return cached.collection }
        }
        if let inFlight { return try await inFlight.value }
        let fetch = Task { try await self.fetch() }
        inFlight = fetch
        defer { inFlight = nil }
        let collection = try await fetch.value
        cached = (collection, ContinuousClock.now)
        return collection
    }

    private func fetch() async throws -> JWTKeyCollection {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await httpClient.execute(request, timeout: .seconds(5))
        guard response.status == .ok else {
            throw JWTError.generic(identifier: "JWKS", reason: "\(url) answered \(response.status.code)")
        }
        let body = try await response.body.collect(upTo: 64 * 1024)
        let jwks = try JSONDecoder().decode(JWKS.self, from: Data(buffer: body))
        let collection = try await JWTKeyCollection().add(jwks: jwks)
        logger.info("fetched access-token keys", metadata: ["url": "\(url)", "keys": "\(jwks.keys.count)"])
        return collection
    }
}
