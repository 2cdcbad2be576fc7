import Crypto
import Foundation
import Hummingbird

/// The stylesheet and the script, compiled into the binary and served under a name that carries
/// their hash, so browsers may keep them for a year: a new build changes the name.
struct Assets: Sendable {
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let bytes: [UInt8]
    }

    let stylesheet: Asset
    let script: Asset

    init() {
        stylesheet = Self.fingerprinted("app", "css", "text/css; charset=utf-8", PackageResources.app_css)
        script = Self.fingerprinted("app", "js", "text/javascript; charset=utf-8", PackageResources.app_js)
    }

    private static func fingerprinted(_ name: String, _ ext: String, _ contentType: String, _ bytes: [UInt8]) -> Asset {
        let digest = SHA256.hash(data: bytes).prefix(6).map { String(format: "%02x", $0) }.joined()
        return Asset(path: "/assets/\(name)-\(digest).\(ext)", contentType: contentType, bytes: bytes)
    }

    func addRoutes(to router: Router<some RequestContext>) {
        for asset in [stylesheet, script] {
            router.get(RouterPath(asset.path)) { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
                    body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes))
                )
            }
        }
    }
}
