import Foundation
import HTTPTypes
import Hummingbird
import Models
import NIOCore
import ServiceKit
import StrategyStore

/// `/v1/strategies/{id}/logo`: PNG, JPEG or WebP, at most 512 KiB, checked from the bytes.
struct LogoController: Sendable {
    let strategies: any StrategyRepository
    let access: StrategyAccess
    let maxBytes: Int
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put(":id/logo") { request, context in
            let user = try context.requireUser()
            let strategy = try await access.editable(context.parameters.get("id"), by: user)
            let body = try await request.collectBody(upTo: maxBytes)
            let bytes = Array(body.readableBytesView)
            guard let format = ImageFormat(sniffing: bytes) else {
                throw ProblemDetails.unsupportedMediaType("A logo must be a PNG, JPEG or WebP image; these bytes are none of them.")
            }
            let logo = StrategyLogo(bytes: bytes, contentType: format.rawValue, sha256: ContentHash.sha256Hex(bytes))
            try await strategies.setLogo(strategyId: strategy.id, image: logo, at: clock.now())
            return HTTPResponse.Status.noContent
        }
        group.get(":id/logo") { request, context in
            let strategy = try await access.visible(context.parameters.get("id"), to: context.identity)
            guard let logo = try await strategies.logo(strategyId: strategy.id) else {
                throw ProblemDetails.notFound("This strategy has no logo.")
            }
            let etag = "\"\(logo.sha256)\""
            // Public logos may sit in shared caches briefly; private ones are revalidated every time.
            var headers: HTTPFields = [
                .eTag: etag, .cacheControl: strategy.isPublished ? "public, max-age=300" : "private, no-cache",
            ]
            if request.headers[.ifNoneMatch] == etag {
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentType] = logo.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: logo.bytes)))
        }
    }
}
