import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore

/// The request context of every Astrolab service.
public struct AppRequestContext: AuthRequestContext, RemoteAddressRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, once `BearerAuthenticator` has run; nil for anonymous requests.
    public var identity: Principal?
    public let remoteAddress: SocketAddress?
    /// The caller's address as seen past a trusted edge; set by `ClientAddressMiddleware`.
    public var clientAddress: String = "unknown"

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies are read explicitly with their own limits (see `Request.decodeJSONBody`).
    public var maxUploadSize: Int { JSONBodyLimits.defaultMaxBytes }

    /// Hummingbird's encoder (RFC 3339 dates) without escaping `/`, so pairs read `BTC/USDT`.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
