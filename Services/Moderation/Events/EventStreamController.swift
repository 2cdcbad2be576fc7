import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Models
import ModerationStore
import NIOCore
import PostgresNIO
import ServiceKit
import ServiceLifecycle

/// `GET /v1/moderation/events`: moderation events as server-sent events for admin dashboards.
/// Each event's `id:` is its number in the persisted log, so a client resuming with
/// `Last-Event-ID` (on any replica, after any restart) gets exactly what it missed. Without it the
/// stream starts with new events; `?since=0` replays everything.
///
/// The stream reads the log every `pollInterval`: admins are few, and polling keeps every
/// replica's stream identical without per-client database listeners.
struct EventStreamController: Sendable {
    static let batchSize = 100

    let database: PostgresClient
    let logger: Logger
    let pollInterval: Duration
    let keepAlive: Duration

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { request, context in
            _ = try context.requireAdmin()
            let start = try await startingPoint(request)
            let headers: HTTPFields = [
                .contentType: "text/event-stream", .cacheControl: "no-cache",
                .accelBuffering: "no",  // nginx: pass each event on at once
            ]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await stream(after: start, to: &writer)
            })
        }
    }

    private func startingPoint(_ request: Request) async throws -> Int64 {
        if let header = request.headers[.lastEventID] {
            guard let seq = Int64(header.trimmingCharacters(in: .whitespaces)), seq >= 0 else {
                throw ProblemDetails.validation([.init(field: "Last-Event-ID", message: "must be an event id this stream sent")])
            }
            return seq
        }
        if let since = request.formQuery["since"] {
            guard let seq = Int64(since), seq >= 0 else {
                throw ProblemDetails.validation([.init(field: "since", message: "must be a non-negative event id")])
            }
            return seq
        }
        return try await ModerationEventLog.latestSeq(client: database, logger: logger)
    }

    private func stream(after start: Int64, to writer: inout any ResponseBodyWriter) async throws {
        var last = start
        var lastWrite = ContinuousClock.now
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let events = try await ModerationEventLog.events(after: last, limit: Self.batchSize, client: database, logger: logger)
            if events.isEmpty {
                if ContinuousClock.now - lastWrite >= keepAlive {
                    // A comment line: keeps proxies from timing out, and finds closed clients.
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                try? await Task.sleep(for: pollInterval)
                continue
            }
            for event in events {
                try await writer.write(ByteBuffer(string: "id: \(event.seq)\nevent: \(event.type)\ndata: \(event.body)\n\n"))
                last = event.seq
            }
            lastWrite = .now
        }
        try await writer.finish(nil)
    }
}
