import Foundation
import Models
import OctoBotFormats
import ServiceKit
import SignalStore
import Synchronization
import Testing

@testable import SignalRelay

/// The group commit's rules for a statement that fails, against a signal log in memory that
/// holds each write until the test lets it go: no database, so nothing here depends on timing.
@Suite("Group commit with a failing log", .timeLimit(.minutes(1)))
struct LogAppenderUnitTests {
    @Test("a statement that fails answers its signal with the error and those queued behind it unavailable, unwritten; the next signal starts afresh")
    func failedStatement() async throws {
        let log = HeldLog()
        let fannedOut = Mutex(0)
        let appender = LogAppender(log: log) { _ in fannedOut.withLock { $0 += 1 } }
        let answers = AsyncStream<(Int, Result<AppendOutcome?, any Error>)>.makeStream()
        func append(_ index: Int) throws {
            appender.append(try Self.envelope(u: "signal-\(index)"), to: Self.strategyId, at: Date(), by: Deadline(after: .seconds(600))) {
                answers.continuation.yield((index, $0))
            }
        }
        var writes = log.writes.makeAsyncIterator()
        var answered = answers.stream.makeAsyncIterator()

        try append(0)
        await writes.next()  // the first statement is under way and held: the next two wait for it
        try append(1)
        try append(2)
        log.finishWrite(failing: true)
        var outcomes: [Int: String] = [:]
        for _ in 0..<3 {
            guard let (index, result) = await answered.next() else { break }
            outcomes[index] = Self.describe(result)
        }
        #expect(outcomes == [0: "failed", 1: "unavailable", 2: "unavailable"])
        #expect(log.writeCount == 1, "nothing queued behind a failed statement is written after it")

        try append(3)
        await writes.next()
        log.finishWrite(failing: false)
        let next = await answered.next()
        #expect(next?.0 == 3)
        #expect(next.map { Self.describe($0.1) } == "appended")
        #expect(log.writeCount == 2)
        #expect(fannedOut.withLock { $0 } == 1, "only the record written goes to the followers")
    }

    static let strategyId = "heldlog1"

    static func envelope(u: String) throws -> SignalEnvelope {
        let bundle = String(decoding: RelayFlowTests.bundle(strategyId, orderId: "order-\(u)"), as: UTF8.self)
        return try SignalEnvelope.validate(Array("{\"t\":\"t\",\"v\":\"1.0.0\",\"s\":\(bundle),\"u\":\"\(u)\"}".utf8), strategyId: strategyId) { u }
    }

    static func describe(_ result: Result<AppendOutcome?, any Error>) -> String {
        switch result {
        case .success(.appended?): "appended"
        case .success(.duplicate?): "duplicate"
        case .success(.conflict?): "conflict"
        case .success(nil): "unavailable"
        case .failure: "failed"
        }
    }
}

/// A signal log in memory that holds every write until `finishWrite`, then fails it or appends.
private final class HeldLog: SignalLog {
    struct WriteFailed: Error {}

    private struct State {
        var writes = 0
        var head = SignalHead(seq: 0, hash: SignalRecord.zeroHash)
        var held: CheckedContinuation<Bool, Never>?
    }

    /// One element each time a write starts (and is held).
    let writes: AsyncStream<Void>
    private let writeStarted: AsyncStream<Void>.Continuation
    private let state = Mutex(State())

    init() {
        (writes, writeStarted) = AsyncStream.makeStream()
    }

    var writeCount: Int { state.withLock { $0.writes } }

    /// Lets the write under way finish: `failing` throws, otherwise the signals are appended.
    func finishWrite(failing: Bool) {
        state.withLock { state in
            defer { state.held = nil }
            return state.held
        }?.resume(returning: failing)
    }

    private func held(_ envelopes: [SignalEnvelope], to strategyId: String, at date: Date) async throws -> [SignalRecord] {
        let failing = await withCheckedContinuation { continuation in
            state.withLock { state in
                state.writes += 1
                state.held = continuation
            }
            writeStarted.yield()
        }
        guard !failing else { throw WriteFailed() }
        return state.withLock { state in
            envelopes.map { envelope in
                let record = SignalRecord(next: envelope, to: strategyId, after: state.head, at: date)
                state.head = SignalHead(after: record)
                return record
            }
        }
    }

    func append(_ envelope: SignalEnvelope, to strategyId: String, at now: Date) async throws -> AppendOutcome {
        .appended(try await held([envelope], to: strategyId, at: now)[0])
    }

    func append(_ envelopes: [(envelope: SignalEnvelope, receivedAt: Date)], to strategyId: String, after head: SignalHead) async throws -> [SignalRecord]? {
        try await held(envelopes.map(\.envelope), to: strategyId, at: envelopes.first?.receivedAt ?? Date())
    }

    func records(of strategyId: String, after seq: Int64, limit: Int) async throws -> [SignalRecord] { [] }
    func headSeqs(of strategyIds: [String]) async throws -> [String: Int64] { [:] }
    func head(of strategyId: String) async throws -> SignalHead { state.withLock { $0.head } }
}
