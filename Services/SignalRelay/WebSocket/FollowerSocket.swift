import ExactJSON
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import Models
import OctoBotFormats
import PostgresNIO
import ServiceKit
import Synchronization

/// `/v1/signals/stream`: the WebSocket follower protocol of API.md. A connection's frames are
/// written on its event loop (`WebSocketDelivery`); a client that stops reading fills its
/// bounded queue and is disconnected (it resumes from the log with `after`), so it never delays
/// anyone else.
struct FollowerSocket: Sendable {
    static let maxFrameBytes = 64 * 1024

    let flow: FollowFlow
    let logger: Logger

    /// What answers a request for the stream that was not upgraded (see `FollowerStreamChannel`):
    /// no or bad credentials are 401 (bad ones were refused by the authenticator), anything else
    /// was not a WebSocket handshake.
    static let noCredentials = ProblemDetails.unauthorized("Send a user token or a signals:follow API key.")

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(FollowerStreamChannel.path)) { _, context -> Response in
            guard context.identity != nil else { throw Self.noCredentials }
            throw ProblemDetails.upgradeRequired("Open this path as a WebSocket (HTTP/1.1 Upgrade: websocket).")
        }
    }

    /// One upgraded follower connection, until it closes.
    func follow(inbound: WebSocketInboundStream, principal: Principal, link: WebSocketFollowerLink) async {
        RelayMetrics.webSocketOpened()
        defer { RelayMetrics.webSocketClosed() }
        let session = FollowerSession(socket: self, identity: FollowerIdentity(principal), link: link)
        await session.run(inbound: inbound)
        session.close()
    }
}

/// One WebSocket connection: its subscriptions, read from its frames.
final class FollowerSession: Sendable {
    let socket: FollowerSocket
    let identity: FollowerIdentity
    let link: WebSocketFollowerLink
    private let active: ActiveSubscriptions
    private let closed = Mutex(false)

    init(socket: FollowerSocket, identity: FollowerIdentity, link: WebSocketFollowerLink) {
        self.socket = socket
        self.identity = identity
        self.link = link
        active = ActiveSubscriptions(hub: socket.flow.hub)
    }

    func run(inbound: WebSocketInboundStream) async {
        do {
            for try await message in inbound.messages(maxSize: FollowerSocket.maxFrameBytes) {
                guard case .text(let text) = message else { continue }
                await handle(text)
            }
        } catch {}
        close()
    }

    var isClosed: Bool { closed.withLock { $0 } }

    /// Stops every subscription; idempotent.
    func close() {
        guard closed.withLock({ (value: inout Bool) -> Bool in defer { value = true }; return !value }) else { return }
        active.stopAll()
    }

    private func handle(_ text: String) async {
        guard let message = try? JSONParser.parse(Array(text.utf8)), let type = message["type"]?.stringValue else {
            link.send(frame: Frames.error(strategyId: nil, code: "bad_request", message: "Frames are JSON objects with a type."))
            return
        }
        let strategyId = message["strategyId"]?.stringValue
        switch type {
        case "subscribe":
            let after = message["after"]
            await inTaskOfItsOwn { await self.subscribe(strategyId, after: after) }
        case "unsubscribe":
            if let strategyId { active.stop(strategyId) }
        case "ack":
            // Optional for followers, and delivery never waits for one: it times delivery.
            if let strategyId, let seq = message["seq"]?.int64Value { link.acknowledged(strategyId: strategyId, seq: seq) }
        default:
            link.send(frame: Frames.error(strategyId: strategyId, code: "bad_request", message: "Unknown frame type \(type)."))
        }
    }

    private func subscribe(_ strategyId: String?, after: JSON?) async {
        guard let strategyId, StrategyID.isValid(strategyId) else {
            link.send(frame: Frames.error(strategyId: strategyId, code: "bad_request", message: "strategyId must be a strategy identifier."))
            return
        }
        var start: Int64?  // without `after` (or with null), live from the head
        if let after, after != .null {
            guard let seq = after.int64Value, seq >= 0 else {
                link.send(frame: Frames.error(strategyId: strategyId, code: "bad_request", message: "after must be a sequence number (0 or more)."))
                return
            }
            start = seq
        }
        guard !active.contains(strategyId) else {
            link.send(frame: Frames.error(strategyId: strategyId, code: "bad_request", message: "Already subscribed to \(strategyId)."))
            return
        }
        do {
            let outcome = try await socket.flow.follow(
                strategyId, as: identity, on: link, into: active,
                startAfter: { [link] head in
                    link.send(frame: Frames.subscribed(strategyId: strategyId, headSeq: head))
                    return start ?? head
                },
                isOpen: { [weak self] in self.map { !$0.isClosed } ?? false },
                onAccessEnded: { [weak self] strategyId in self?.endAccess(strategyId) }
            )
            switch outcome {
            case .following: break
            case .notFound: link.send(frame: Frames.error(strategyId: strategyId, code: "not_found", message: "No such strategy."))
            case .notEntitled:
                link.send(frame: Frames.error(strategyId: strategyId, code: "not_entitled", message: "Subscribe to the strategy to follow its signals."))
            }
        } catch {
            socket.logger.warning("subscribe failed", metadata: ["strategy": "\(strategyId)", "error": "\(error)"])
            link.send(frame: Frames.error(strategyId: strategyId, code: "bad_request", message: "The subscription could not start; try again."))
        }
    }

    private func endAccess(_ strategyId: String) {
        guard active.stop(strategyId) else { return }
        link.send(frame: Frames.unsubscribed(strategyId: strategyId))
    }
}

/// The server's control frames. A record's frame embeds its stored bytes as they are, so it is
/// built by `LiveRecord` instead.
enum Frames {
    static func subscribed(strategyId: String, headSeq: Int64) -> String {
        text(["type": "subscribed", "strategyId": .string(strategyId), "headSeq": .integer(headSeq)])
    }

    static func unsubscribed(strategyId: String) -> String {
        text(["type": "unsubscribed", "strategyId": .string(strategyId), "reason": "subscription_ended"])
    }

    static func error(strategyId: String?, code: String, message: String) -> String {
        text(["type": "error", "strategyId": strategyId.map(JSON.string) ?? .null, "code": .string(code), "message": .string(message)])
    }

    private static func text(_ frame: JSONObject) -> String {
        JSONWriter.text(.object(frame))
    }
}
