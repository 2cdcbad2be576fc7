import OctoBotFormats
import Rules
import ServiceKit

/// The profiles service's settings: the shared ones plus upload limits and the download cache.
struct ProfilesConfiguration: Sendable {
    var service: ServiceConfiguration
    /// Limits on uploaded profile zips (API.md §Limits); fixed by the contract, overridable for tests.
    var zipLimits: ZipLimits = .profileUpload
    var maxLogoBytes = 512 * 1024
    /// Memory for recently downloaded zips.
    var downloadCacheBytes: Int

    init(environment env: EnvironmentReader = EnvironmentReader()) throws {
        service = try ServiceConfiguration(environment: env, defaultPort: 8082)
        downloadCacheBytes = try env.int("DOWNLOAD_CACHE_MB", default: 64, range: 0...4096) << 20
    }
}
