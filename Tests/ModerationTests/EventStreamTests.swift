import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import ModerationStore
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceKit
import TestSupport
import Testing

/// One server-sent event as received.
struct ReceivedEvent: Equatable {
    let id: Int64
    let type: String
    let data: String
}

/// Reads a `text/event-stream` response event by event.
struct EventStreamReader {
    let response: HTTPClientResponse
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""

    static func connect(port: Int, token: String, lastEventID: Int64? = nil, query: String = "") async throws -> EventStreamReader {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/moderation/events\(query)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return EventStreamReader(response: response, iterator: response.body.makeAsyncIterator())
    }

    /// The next event, skipping comments and the `retry:` line.
    mutating func next() async throws -> ReceivedEvent {
        while true {
            while let end = pending.range(of: "\n\n") {
                let block = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                var id: Int64?
                var type = ""
                var data = ""
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                }
                if let id { return ReceivedEvent(id: id, type: type, data: data) }
            }
            guard let buffer = try await iterator.next() else { throw NeverHappened(description: "the event stream ended") }
            pending += String(buffer: buffer)
        }
    }

    mutating func next(_ count: Int) async throws -> [ReceivedEvent] {
        var events: [ReceivedEvent] = []
        for _ in 0..<count { events.append(try await next()) }
        return events
    }
}

@Suite("The admins' moderation event stream", .timeLimit(.minutes(3)), .serialized)
struct EventStreamTests {
    func emitOpened(_ harness: ModerationHarness, count: Int) async throws {
        try await harness.database.withClient { client in
            for _ in 0..<count {
                try await client.withTransaction(logger: ModerationHarness.logger) { connection in
                    try await ModerationEventLog.emit(
                        ModerationCaseOpened(caseId: UUID(), strategyId: "strat0001", subject: .listing, version: nil),
                        at: harness.clock.now(), on: connection, logger: ModerationHarness.logger
                    )
                }
            }
        }
    }

    func loggedSeqs(_ harness: ModerationHarness) async throws -> [Int64] {
        try await harness.database.withClient { client in
            var seqs: [Int64] = []
            for try await seq in try await client.query("SELECT seq FROM moderation_events ORDER BY seq", logger: ModerationHarness.logger).decode(Int64.self) {
                seqs.append(seq)
            }
            return seqs
        }
    }

    @Test("resumes after Last-Event-ID with no gap and no duplicate, across a restart of the service")
    func resumeAcrossRestart() async throws {
        let harness = try await ModerationHarness.make()
        let admin = try await harness.user("Admin", admin: true)
        try await emitOpened(harness, count: 3)

        let firstPart = try await harness.moderationApp().test(.live) { client in
            let port = try #require(client.port)
            return try await withTimeout("three events") {
                var stream = try await EventStreamReader.connect(port: port, token: admin.token, query: "?since=0")
                #expect(stream.response.headers.first(name: "Content-Type") == "text/event-stream")
                return try await stream.next(3)
            }
        }
        #expect(firstPart.allSatisfy { $0.type == "moderation.case_opened" })
        // The data is the envelope as on the broker.
        #expect(try JSONSerialization.jsonObject(with: Data(try #require(firstPart.first).data.utf8)) is [String: Any])

        try await emitOpened(harness, count: 2)  // while no moderation instance runs
        let secondPart = try await harness.moderationApp().test(.live) { client in
            let port = try #require(client.port)
            let missed = try await withTimeout("the two missed events") {
                var stream = try await EventStreamReader.connect(port: port, token: admin.token, lastEventID: try #require(firstPart.last).id)
                return try await stream.next(2)
            }
            return missed
        }
        let all = firstPart + secondPart
        #expect(all.map(\.id) == (try await loggedSeqs(harness)))
        #expect(Set(all.map(\.data)).count == 5)
    }

    @Test("without Last-Event-ID the stream starts with new events; ?since=0 replays everything")
    func newOnly() async throws {
        let harness = try await ModerationHarness.make()
        let admin = try await harness.user("Admin", admin: true)
        try await emitOpened(harness, count: 2)
        try await harness.moderationApp().test(.live) { client in
            let port = try #require(client.port)
            let received = try await withTimeout("a new event") {
                var stream = try await EventStreamReader.connect(port: port, token: admin.token)
                // The stream has started (headers received) before the new event is written.
                try await emitOpened(harness, count: 1)
                return try await stream.next()
            }
            #expect(received.id == (try await loggedSeqs(harness)).last)
            let replay = try await withTimeout("the replay") {
                var stream = try await EventStreamReader.connect(port: port, token: admin.token, query: "?since=0")
                return try await stream.next(3)
            }
            #expect(replay.map(\.id) == (try await loggedSeqs(harness)))
            try await client.send(.get, "/v1/moderation/events", token: admin.token, headers: [.lastEventID: "-4"]).expectProblem(.unprocessableContent)
        }
    }
}
