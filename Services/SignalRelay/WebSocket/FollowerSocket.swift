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

/// `/v1/signals/stream`: the WebSocket follower protocol of API.md. Each connection has one
/// bounded outgoing queue; a client that stops reading fills it and is disconnected (it resumes
/// from the log with `after`), so it never delays anyone else.
struct FollowerSocket: Sendable {
    static let maxFrameBytes = 64 * 1024

    let hub: RelayHub
    let database: PostgresClient
    let strategies: any StrategyRepository
    let buffer: Int
    let clock: any WallClock
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
    func follow(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, principal: Principal) async {
        RelayMetrics.webSocketOpened()
        defer { RelayMetrics.webSocketClosed() }
        await FollowerSession(socket: self, principal: principal).run(inbound: inbound, outbound: outbound)
    }
}

/// One WebSocket connection: its subscriptions and its outgoing frames.
final class FollowerSession: Sendable {
    let socket: FollowerSocket
    let principal: Principal
    private let frames: AsyncStream<String>
    private let framesInput: AsyncStream<String>.Continuation
    private let active: ActiveSubscriptions
    /// When each recently sent record was committed, by strategy and seq, for the latency of acks.
    private let sentAt = Mutex<[String: [Int64: Date]]>([:])
    private let closed = Mutex(false)
    /// Finishes when the session closes, from whichever side.
    private let closing: AsyncStream<Void>
    private let closingInput: AsyncStream<Void>.Continuation

    init(socket: FollowerSocket, principal: Principal) {
        self.socket = socket
        self.principal = principal
        active = ActiveSubscriptions(hub: socket.hub)
        (frames, framesInput) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(socket.buffer))
        (closing, closingInput) = AsyncStream.makeStream(of: Void.self)
    }

    var apiKeyId: UUID? {
        if case .apiKey(let id, _, _) = principal.credential { id } else { nil }
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        // The writer is not a child task: a client that stops reading blocks it in a write, and
        // the connection must still close (which fails that write) when the session ends.
        let writer = Task { [frames] in
            for await frame in frames {
                do { try await outbound.write(.text(frame)) } catch { break }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: FollowerSocket.maxFrameBytes) {
                        guard case .text(let text) = message else { continue }
                        await self.handle(text)
                        if self.isClosed { break }
                    }
                } catch {}
                self.close()
            }
            group.addTask { [closing] in
                // Ends the session when it is closed from elsewhere (a slow client).
                for await _ in closing {}
            }
            await group.next()
            group.cancelAll()
        }
        close()
        writer.cancel()
    }

    var isClosed: Bool { closed.withLock { $0 } }

    /// Stops every subscription and the outgoing queue; idempotent.
    func close() {
        guard closed.withLock({ (value: inout Bool) -> Bool in defer { value = true }; return !value }) else { return }
        framesInput.finish()
        closingInput.finish()
        active.stopAll()
    }

    /// Queues a frame; false (and the connection closes) when the client is too far behind.
    @discardableResult
    func send(_ frame: String) -> Bool {
        if case .dropped = framesInput.yield(frame) {
            RelayMetrics.slowFollowerDisconnected()
            socket.logger.info("WebSocket follower too slow; disconnected", metadata: ["user": "\(principal.userId)"])
            close()
            return false
        }
        return !isClosed
    }

    private func handle(_ text: String) async {
        guard let message = try? JSONParser.parse(Array(text.utf8)), let type = message["type"]?.stringValue else {
            send(Frames.error(strategyId: nil, code: "bad_request", message: "Frames are JSON objects with a type."))
            return
        }
        let strategyId = message["strategyId"]?.stringValue
        switch type {
        case "subscribe":
            await subscribe(strategyId, after: message["after"])
        case "unsubscribe":
            if let strategyId { active.stop(strategyId) }
        case "ack":
            if let strategyId, case .number(let text)? = message["seq"], let seq = Int64(text),
                let sent = sentAt.withLock({ $0[strategyId]?.removeValue(forKey: seq) }) {
                RelayMetrics.acknowledged(committedAt: sent, now: socket.clock.now())
            }
        default:
            send(Frames.error(strategyId: strategyId, code: "bad_request", message: "Unknown frame type \(type)."))
        }
    }

    private func subscribe(_ strategyId: String?, after: JSON?) async {
        guard let strategyId, StrategyID.isValid(strategyId) else {
            send(Frames.error(strategyId: strategyId, code: "bad_request", message: "strategyId must be a strategy identifier."))
            return
        }
        var start: Int64?
        switch after {
        case nil, .null?: break
        case .number(let text)? where Int64(text).map({ $0 >= 0 }) == true: start = Int64(text)
        default:
            send(Frames.error(strategyId: strategyId, code: "bad_request", message: "after must be a sequence number (0 or more)."))
            return
        }
        guard !active.contains(strategyId) else {
            send(Frames.error(strategyId: strategyId, code: "bad_request", message: "Already subscribed to \(strategyId)."))
            return
        }
        let socket = self.socket
        do {
            guard let strategy = try await socket.strategies.find(id: strategyId),
                strategy.isVisible(to: principal.userId, isAdmin: principal.isAdmin)
            else {
                send(Frames.error(strategyId: strategyId, code: "not_found", message: "No such strategy."))
                return
            }
            let access = try await FollowAccess.access(principal, strategyId: strategyId, at: socket.clock.now(), database: socket.database, logger: socket.logger)
            guard case .allowed(let until) = access else {
                send(Frames.error(strategyId: strategyId, code: "not_entitled", message: "Subscribe to the strategy to follow its signals."))
                return
            }
            let subscription = FollowerSubscription(
                strategyId: strategyId, userId: principal.userId, apiKeyId: apiKeyId, buffer: socket.buffer,
                onOverflow: { [weak self] in self?.close() },
                onAccessEnded: { [weak self] strategyId in self?.endAccess(strategyId) }
            )
            try await socket.hub.add(subscription, strategyId: strategyId)
            let head = try await SignalLog.head(of: strategyId, client: socket.database, logger: socket.logger)
            send(Frames.subscribed(strategyId: strategyId, headSeq: head.seq))
            let task = Task { [weak self] in
                await subscription.pump(after: start ?? head.seq, log: LogReader(database: socket.database, logger: socket.logger)) { record in
                    guard let self else { return false }
                    if let receivedAt = record.receivedAt {
                        self.sentAt.withLock { sent in
                            // Only recent sends are kept: a client that never acks costs nothing.
                            if sent[strategyId, default: [:]].count > 1024 { sent[strategyId] = [:] }
                            sent[strategyId, default: [:]][record.seq] = receivedAt
                        }
                    }
                    return self.send(record.webSocketFrame)
                }
            }
            active.insert(subscription, pumpedBy: task)
            if isClosed { close() }
            if let until {
                AccessDeadline.schedule(until, clock: socket.clock, while: { [weak self] in self.map { !$0.isClosed } ?? false }) { [weak self] in
                    self?.endAccess(strategyId)
                }
            }
        } catch {
            socket.logger.warning("subscribe failed", metadata: ["strategy": "\(strategyId)", "error": "\(error)"])
            send(Frames.error(strategyId: strategyId, code: "bad_request", message: "The subscription could not start; try again."))
        }
    }

    private func endAccess(_ strategyId: String) {
        guard active.stop(strategyId) else { return }
        send(Frames.unsubscribed(strategyId: strategyId))
    }
}

/// The server's frames, written by hand so records are embedded byte for byte.
enum Frames {
    static func subscribed(strategyId: String, headSeq: Int64) -> String {
        "{\"type\":\"subscribed\",\"strategyId\":\(quoted(strategyId)),\"headSeq\":\(headSeq)}"
    }

    static func unsubscribed(strategyId: String) -> String {
        "{\"type\":\"unsubscribed\",\"strategyId\":\(quoted(strategyId)),\"reason\":\"subscription_ended\"}"
    }

    static func error(strategyId: String?, code: String, message: String) -> String {
        "{\"type\":\"error\",\"strategyId\":\(strategyId.map(quoted) ?? "null"),\"code\":\(quoted(code)),\"message\":\(quoted(message))}"
    }

    static func quoted(_ text: String) -> String {
        String(decoding: JSONWriter.bytes(.string(text)), as: UTF8.self)
    }
}
