import Foundation
import Hummingbird
import JWTKit

/// `GET /.well-known/jwks.json`: the public key other services verify access tokens with.
struct JWKSController: Sendable {
    let body: ByteBuffer

    init(jwks: JWKS) throws {
        body = ByteBuffer(bytes: try JSONEncoder().encode(jwks))
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/.well-known/jwks.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: body)
            )
        }
    }
}
