import Foundation
import Hummingbird
import Models
import OctoBotFormats
import ServiceKit
import StrategyStore

/// `GET /d/{token}/{slug}.zip`: what a subscriber's bot imports, with no login (OCTOBOT.md §1:
/// the bot sends a plain GET). The token is checked against the subscriptions service's grants
/// on every request; a profile strategy serves its latest approved zip, a signal strategy the
/// generated follower profile. Anything unknown, revoked, expired or mismatched is the same 404.
struct DownloadController: Sendable {
    let grants: any DownloadGrants
    let strategies: any StrategyRepository
    let versions: any ProfileVersionRepository
    let cache: ZipCache
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(":token/:file") { _, context in
            let token = context.parameters.get("token") ?? ""
            let file = context.parameters.get("file") ?? ""
            // The grant query runs for every request, well-formed or not, known or not.
            let target = try await grants.resolve(token: token, at: clock.now())
            guard let target, file == "\(target.slug).zip", let zip = try await zip(of: target) else {
                throw ProblemDetails.notFound("Unknown or revoked download link.")
            }
            return ZipResponse(bytes: zip, fileName: file, cacheControl: "private, no-cache")
        }
    }

    private func zip(of strategy: DownloadTarget) async throws -> [UInt8]? {
        switch strategy.kind {
        case .profile:
            guard let version = strategy.currentVersion else { return nil }
            if let cached = await cache.bytes(for: version.sha256) { return cached }
            guard let bytes = try await versions.zip(strategyId: strategy.strategyId, number: version.number) else { return nil }
            await cache.store(bytes, for: version.sha256)
            return bytes
        case .signals:
            guard let exchange = strategy.exchanges.first, !strategy.pairs.isEmpty else { return nil }
            let key = "follower:\(strategy.strategyId):\(strategy.updatedAt.timeIntervalSince1970)"
            if let cached = await cache.bytes(for: key) { return cached }
            let logo = try await strategies.logo(strategyId: strategy.strategyId)
            let avatar = logo.flatMap { logo in
                ImageFormat(rawValue: logo.contentType).map { FollowerProfile.Avatar(fileName: "logo.\($0.fileExtension)", bytes: logo.bytes) }
            }
            let bytes = try FollowerProfile(
                strategyId: strategy.strategyId, name: strategy.name, description: strategy.description, exchange: exchange,
                pairs: strategy.pairs, avatar: avatar
            ).zip()
            await cache.store(bytes, for: key)
            return bytes
        }
    }
}
