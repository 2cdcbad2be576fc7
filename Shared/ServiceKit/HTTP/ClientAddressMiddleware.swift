import Hummingbird

/// Works out the caller's address for rate limits: the edge's `X-Real-IP` when the request
/// came through a trusted proxy, otherwise the peer itself (a client cannot spoof the header).
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.remoteAddress?.ipAddress
        if let peer, trustedProxies.contains(peer), let forwarded = request.headers[.realIP], !forwarded.isEmpty {
            context.clientAddress = String(forwarded.prefix(64))
        } else {
            context.clientAddress = peer ?? "unknown"
        }
        return try await next(request, context)
    }
}
