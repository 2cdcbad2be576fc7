import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Models
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import ServiceKit
// WSCore's frame handling (ping, close handshake, fragments) is what Hummingbird's own upgrade
// channel runs after a handshake; it is published for such channels behind this SPI.
@_spi(WSInternal) import WSCore

/// The relay's HTTP/1 connections, with the follower WebSocket upgrade on `/v1/signals/stream`.
///
/// Hummingbird's upgrade channel answers every refused handshake with an empty 400, because NIO
/// consumes a handshake request it does not upgrade. API.md promises followers a 401
/// problem+json at the handshake, so this channel keeps the reason of a refusal and answers with
/// it; requests that are not handshakes go to the router as usual.
struct FollowerStreamChannel: ServerChildChannel, HTTPChannelHandler {
    static let path = "/v1/signals/stream"

    /// What the handshake check decided for one connection.
    enum Handshake: Sendable {
        case accepted(Principal)
        case refused(ProblemDetails, requestId: String)
    }

    enum Negotiated: Sendable {
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Principal, WebSocketFollowerLink)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, ProblemDetails, requestId: String)
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    /// What a follower connection runs once upgraded; the link writes its frames (`WebSocketDelivery`).
    typealias Session = @Sendable (WebSocketInboundStream, Principal, WebSocketFollowerLink, Logger) async throws -> Void

    let responder: HTTPChannelHandler.Responder
    let authenticator: BearerAuthenticator
    let webSocket: WebSocketServerConfiguration
    /// Frames a follower connection may have waiting for its socket (`WebSocketDeliveryHandler`).
    let followerBuffer: Int
    let clock: any WallClock
    let session: Session

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // This connection's handshake decision, from the check to the pipeline it leads to.
            let handshake = NIOLockedValueBox<Handshake?>(nil)
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: webSocket.maxFrameSize,
                shouldUpgrade: { channel, head in
                    channel.eventLoop.makeFutureWithTask {
                        let decision = await check(head, channel: channel, logger: logger)
                        handshake.withLockedValue { $0 = decision }
                        if case .accepted = decision { return HTTPHeaders() }
                        return nil
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard case .accepted(let principal) = handshake.withLockedValue({ $0 }) else {
                            throw ProblemDetails.unauthorized("The handshake was not accepted.")
                        }
                        let delivery = WebSocketDeliveryHandler(buffer: followerBuffer, clock: clock)
                        try channel.pipeline.syncOperations.addHandler(delivery)
                        let frames = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        return .webSocket(frames, principal, WebSocketFollowerLink(writer: delivery, eventLoop: channel.eventLoop))
                    }
                }
            )
            let configuration = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        if case .refused(let problem, let requestId) = handshake.withLockedValue({ $0 }) {
                            return .refused(try NIOAsyncChannel(wrappingChannelSynchronously: channel), problem, requestId: requestId)
                        }
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
                        return .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)))
                    }
                }
            )
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: configuration)
            // As in Hummingbird's own channels: NIOAsyncChannel orders requests, Hummingbird
            // answers errors and validates headers.
            pipeline.enablePipelining = false
            pipeline.enableErrorHandling = false
            pipeline.enableResponseHeaderValidation = false
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let problem, let requestId):
                try await answer(http, with: problem, requestId: requestId)
            case .webSocket(let frames, let principal, let link):
                _ = try await WebSocketHandler.handle(
                    type: .server,
                    configuration: .init(
                        extensions: [], autoPing: webSocket.autoPing, closeTimeout: webSocket.closeTimeout,
                        validateUTF8: webSocket.validateUTF8, maxFrameSize: webSocket.maxFrameSize
                    ),
                    asyncChannel: frames,
                    context: FollowerContext(logger: logger)
                ) { inbound, _, context in
                    try await session(inbound, principal, link, context.logger)
                }
            }
        } catch {
            logger.debug("Connection ended during or after the handshake", metadata: ["error": "\(error)"])
            value.channel.close(promise: nil)
        }
    }

    /// Accepts a handshake for the stream path from a caller with valid credentials.
    private func check(_ head: HTTPRequestHead, channel: any Channel, logger: Logger) async -> Handshake {
        let requestId = head.headers.first(name: "X-Request-Id").flatMap { RequestIDMiddleware<AppRequestContext>.isAcceptable($0) ? $0 : nil }
            ?? RequestID().description
        guard let request = try? Request(head: HTTPRequest(head, secure: false, splitCookie: false), body: .init(buffer: ByteBuffer())) else {
            return .refused(.malformed("The handshake is not a valid HTTP request."), requestId: requestId)
        }
        guard request.uri.path == Self.path else { return .refused(.notFound("No WebSocket endpoint answers this path."), requestId: requestId) }
        do {
            let context = AppRequestContext(source: .init(channel: channel, logger: logger))
            guard let principal = try await authenticator.authenticate(request: request, context: context) else {
                return .refused(FollowerSocket.noCredentials, requestId: requestId)
            }
            return .accepted(principal)
        } catch let problem as ProblemDetails {
            return .refused(problem, requestId: requestId)
        } catch {
            logger.warning("Follower handshake check failed", metadata: ["error": "\(error)"])
            return .refused(.unavailable("Credentials cannot be checked right now."), requestId: requestId)
        }
    }

    /// The refusal, then the connection closes: NIO stops reading HTTP after a handshake request.
    private func answer(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, with problem: ProblemDetails, requestId: String) async throws {
        var (headers, body) = try problem.encoded()
        headers[.connection] = "close"
        headers[.contentLength] = String(body.readableBytes)
        headers[.requestID] = requestId
        try await http.executeThenClose { _, outbound in
            try await outbound.write(contentsOf: [.head(HTTPResponse(status: problem.status, headerFields: headers)), .body(body), .end(nil)])
        }
    }

    private struct FollowerContext: WebSocketContext {
        let logger: Logger
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the follower stream's WebSocket upgrade (see `FollowerStreamChannel`).
    static func followerStream(
        authenticator: BearerAuthenticator, webSocket: WebSocketServerConfiguration = .init(), followerBuffer: Int, clock: any WallClock,
        session: @escaping FollowerStreamChannel.Session
    ) -> HTTPServerBuilder {
        .init { responder in
            FollowerStreamChannel(
                responder: responder, authenticator: authenticator, webSocket: webSocket, followerBuffer: followerBuffer, clock: clock, session: session
            )
        }
    }
}

