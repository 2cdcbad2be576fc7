import APIShapes
import ExactJSON
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import WSClient

/// `GET /strategies/{id}/live`: a signal strategy's new signals as server-sent events, for its
/// open page to add without reloading. The web app follows the strategy over the relay's
/// WebSocket protocol (`/v1/signals/stream`) with the signed-in user's token in a header, so no
/// token is ever in a URL; the relay decides who may follow. `after` (or the browser's
/// `Last-Event-ID` when it reconnects) resumes after that seq without gap or repeat.
struct LiveSignals: Sendable {
    /// A comment this often keeps proxies from closing a quiet stream.
    static let keepAlive = Duration.seconds(15)

    let kit: PageKit
    let logger: Logger

    /// One signal as the page's script adds it: the listed row, and the log head it moves to.
    struct Event: Encodable {
        let seq: Int
        let hash: String
        let received: String
        let summary: String

        init(_ record: SignalRecordBody) {
            let row = SignalHistory.Row(record)
            (seq, received, summary) = (row.seq, row.received, row.summary)
            hash = record.hash
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/strategies/:id/live") { request, context in
            let id = try StrategyPage.strategyId(context.parameters.get("id"))
            let session = try await kit.requireSession(request)
            let resumeAt = request.headers[.lastEventID] ?? request.formQuery["after"]
            guard let after = resumeAt.map({ Int64($0) }) ?? 0, after >= 0 else { throw PageError.notFound }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .accelBuffering: "no"],
                body: ResponseBody(asyncSequence: follow(id, after: after, token: session.accessToken))
            )
        }
    }

    /// The relay's frames turned into server-sent events, until the browser leaves or access ends.
    private func follow(_ strategyId: String, after: Int64, token: String) -> AsyncStream<ByteBuffer> {
        let url = Self.streamURL(apiBaseURL: kit.api.baseURL)
        let logger = self.logger
        return AsyncStream { continuation in
            // EventSource retries after 2 s when the stream ends (a relay restart, a dropped hop).
            continuation.yield(ByteBuffer(string: "retry: 2000\n\n"))
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.keepAlive)
                    continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            let relay = Task {
                var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
                configuration.additionalHeaders[.authorization] = "Bearer \(token)"
                do {
                    try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                        try await outbound.write(.text(Self.subscribeFrame(strategyId: strategyId, after: after)))
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            switch Self.translate(text) {
                            case .signal(let event): continuation.yield(event)
                            case .ended(let event):
                                continuation.yield(event)
                                return
                            case .ignored: continue
                            }
                        }
                    }
                } catch {
                    logger.info("live signal relay ended", metadata: ["strategy": "\(strategyId)", "error": "\(error)"])
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in
                beat.cancel()
                relay.cancel()
            }
        }
    }

    enum Translation {
        case signal(ByteBuffer)
        case ended(ByteBuffer)
        case ignored
    }

    /// One relay frame as what the browser gets: `signal` events with the summary the page shows,
    /// `ended` when access ends or the relay refuses (the script then stops listening).
    static func translate(_ frame: String) -> Translation {
        guard let json = try? AstrolabAPI.Answer.decoder.decode(SignalFrameBody.self, from: Data(frame.utf8)) else { return .ignored }
        switch json.type {
        case "signal":
            guard let record = json.record else { return .ignored }
            guard let data = try? JSONEncoder().encode(Event(record)) else { return .ignored }
            return .signal(ByteBuffer(string: "id: \(record.seq)\nevent: signal\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
        case "unsubscribed", "error":
            return .ended(ByteBuffer(string: "event: ended\ndata: {}\n\n"))
        default:
            return .ignored
        }
    }

    /// What the feed asks the relay for: the strategy's records after `after`.
    static func subscribeFrame(strategyId: String, after: Int64) -> String {
        let frame: JSON = ["type": "subscribe", "strategyId": .string(strategyId), "after": .integer(after)]
        return JSONWriter.text(frame)
    }

    /// `http://edge:8080` → `ws://edge:8080/v1/signals/stream` (`https` → `wss`).
    static func streamURL(apiBaseURL: String) -> String {
        let base = apiBaseURL.hasPrefix("https://") ? "wss://" + apiBaseURL.dropFirst(8)
            : apiBaseURL.hasPrefix("http://") ? "ws://" + apiBaseURL.dropFirst(7) : apiBaseURL
        return base + "/v1/signals/stream"
    }
}
