import Foundation
import Models
import PostgresNIO
import ServiceKit
import SignalStore
import Synchronization
import TestSupport
import Testing

@testable import SignalRelay

/// Signals of one strategy that arrive while the last is being written share the next commit,
/// and still reach the log, their authors and the followers in the order they were accepted.
/// Each test holds the strategy's head row locked from another transaction while it queues
/// signals, so the batches do not depend on how fast anything runs.
@Suite("Group commit of one strategy's signals", .timeLimit(.minutes(2)))
struct LogAppenderTests {
    @Test("201 signals, 200 of them queued behind a locked head: logged, answered and fanned out in the order queued, in 6 commits")
    func orderedBatches() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let strategyId = world.strategyId
        let fannedOut = Mutex<[Int64]>([])
        try await harness.database.withClient { client in
            let ingest = Self.ingest(client, harness, commitTimeout: .seconds(60)) { record in fannedOut.withLock { $0.append(record.seq) } }
            // The first signal makes the head row and is the head this instance remembers.
            guard case .appended(let first) = try await ingest.ingest(Self.envelope(strategyId, u: "u-0"), strategyId: strategyId, by: ingest.deadline()) else {
                throw NeverHappened(description: "the first signal was not appended")
            }
            #expect(first.seq == 1)

            let answers = Answers()
            try await Self.whileHeadLocked(strategyId, client) {
                for index in 1...200 {
                    try await Self.queue(ingest, Self.envelope(strategyId, u: "u-\(index)"), to: strategyId, into: answers, as: index)
                }
            }
            let outcomes = try await answers.wait(for: 200)
            #expect(outcomes.map(\.index) == Array(1...200), "answered in the order queued")
            #expect(outcomes.map { $0.seq } == (2...201).map { Optional(Int64($0)) })

            let logged = try await PostgresSignalLog(client: client, logger: RelayHarness.logger).records(of: strategyId, after: 0, limit: 1000)
            #expect(logged.map(\.messageId) == (0...200).map { "u-\($0)" })
            #expect(try await PostgresSignalLog(client: client, logger: RelayHarness.logger).verify(strategyId).isValid)
            // One commit for the first, one for the signal that met the lock, then 199 in batches of 64.
            #expect(try await Self.commits(of: strategyId, client) == 6)
            #expect(fannedOut.withLock { $0 } == Array(1...201))
        }
    }

    @Test("a batch with a retry and a conflicting reuse of a message id: each answered as if sent alone, the chain intact")
    func duplicatesInABatch() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let strategyId = world.strategyId
        try await harness.database.withClient { client in
            let ingest = Self.ingest(client, harness, commitTimeout: .seconds(60))
            _ = try await ingest.ingest(Self.envelope(strategyId, u: "first"), strategyId: strategyId, by: ingest.deadline())
            let answers = Answers()
            let sent = [("a", "o-a"), ("b", "o-b"), ("a", "o-a"), ("a", "o-other"), ("c", "o-c")]
            try await Self.whileHeadLocked(strategyId, client) {
                for (index, (u, orderId)) in sent.enumerated() {
                    try await Self.queue(ingest, Self.envelope(strategyId, u: u, orderId: orderId), to: strategyId, into: answers, as: index)
                }
            }
            let outcomes = try await answers.wait(for: sent.count)
            #expect(outcomes.map(\.kind) == ["appended", "appended", "duplicate", "conflict", "appended"])
            #expect(outcomes.map(\.seq) == [2, 3, 2, nil, 4])
            let chain = try await PostgresSignalLog(client: client, logger: RelayHarness.logger).verify(strategyId)
            #expect(chain.isValid && chain.records == 4)
        }
    }

    @Test("signals whose deadline passes behind a stuck statement are unavailable, give their tokens back, and a retry logs each once")
    func deadlinesWhileWaiting() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let strategyId = world.strategyId
        try await harness.database.withClient { client in
            // Four tokens that never refill: the retries below pass only if the refused signals gave theirs back.
            let limiter = EmitRateLimiter(ratePerSecond: 0.000_001, burst: 4)
            let ingest = SignalIngest(database: client, logger: RelayHarness.logger, limiter: limiter, clock: harness.clock, commitTimeout: .milliseconds(300))
            _ = try await ingest.ingest(Self.envelope(strategyId, u: "first"), strategyId: strategyId, by: ingest.deadline())
            let answers = Answers()
            try await Self.whileHeadLocked(strategyId, client) {
                for index in 1...3 {
                    try await Self.queue(ingest, Self.envelope(strategyId, u: "late-\(index)"), to: strategyId, into: answers, as: index)
                }
                // Answered while the head is still locked: nothing of theirs can have been committed.
                #expect(try await answers.wait(for: 3).map(\.kind) == ["unavailable", "unavailable", "unavailable"])
            }
            // The bot sends them again with the same u: each is logged exactly once.
            let patient = SignalIngest(database: client, logger: RelayHarness.logger, limiter: limiter, clock: harness.clock, commitTimeout: .seconds(60))
            for index in 1...3 {
                let outcome = try await patient.ingest(Self.envelope(strategyId, u: "late-\(index)"), strategyId: strategyId, by: patient.deadline())
                switch outcome {
                case .appended, .duplicate: break
                default: Issue.record("retry \(index): \(outcome)")
                }
            }
            let logged = try await PostgresSignalLog(client: client, logger: RelayHarness.logger).records(of: strategyId, after: 0, limit: 100)
            // A statement that gave up may still commit once the lock is gone; a retry then finds its record.
            #expect(logged.count == 4)
            #expect(Set(logged.map(\.messageId)) == ["first", "late-1", "late-2", "late-3"])
            #expect(try await PostgresSignalLog(client: client, logger: RelayHarness.logger).verify(strategyId).isValid)
        }
    }

    // MARK: - Helpers

    private static func ingest(
        _ client: PostgresClient, _ harness: RelayHarness, commitTimeout: Duration, fanOut: @escaping @Sendable (SignalRecord) -> Void = { _ in }
    ) -> SignalIngest {
        SignalIngest(
            database: client, logger: RelayHarness.logger, limiter: EmitRateLimiter(ratePerSecond: 100_000, burst: 100_000), clock: harness.clock,
            commitTimeout: commitTimeout, fanOut: fanOut
        )
    }

    /// A feed envelope with message id `u`.
    private static func envelope(_ strategyId: String, u: String, orderId: String? = nil) -> [UInt8] {
        let bundle = String(decoding: RelayFlowTests.bundle(strategyId, orderId: orderId ?? "order-\(u)"), as: UTF8.self)
        return Array("{\"t\":\"t\",\"v\":\"1.0.0\",\"s\":\(bundle),\"u\":\"\(u)\"}".utf8)
    }

    /// Admits `bytes` and queues it without waiting; its outcome goes to `answers`.
    private static func queue(_ ingest: SignalIngest, _ bytes: [UInt8], to strategyId: String, into answers: Answers, as index: Int) async throws {
        guard case .accepted(let envelope) = await ingest.admit(bytes, strategyId: strategyId) else {
            throw NeverHappened(description: "signal \(index) was not admitted")
        }
        ingest.append(envelope, to: strategyId, by: ingest.deadline()) { answers.add(index, $0) }
    }

    /// Runs `body` while another transaction holds `strategyId`'s head row: every append waits.
    private static func whileHeadLocked(_ strategyId: String, _ client: PostgresClient, _ body: () async throws -> Void) async throws {
        try await client.withTransaction(logger: RelayHarness.logger) { connection in
            try await connection.query("SELECT seq FROM signal_heads WHERE strategy_id = \(strategyId) FOR UPDATE", logger: RelayHarness.logger)
            try await body()
        }
    }

    /// How many transactions wrote `strategyId`'s records.
    private static func commits(of strategyId: String, _ client: PostgresClient) async throws -> Int {
        for try await count in try await client.query(
            "SELECT count(DISTINCT xmin::text) FROM signal_records WHERE strategy_id = \(strategyId)", logger: RelayHarness.logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }
}

/// Outcomes as they are answered, in answer order.
private final class Answers: Sendable {
    struct Answer: Sendable {
        let index: Int
        let kind: String
        let seq: Int64?
    }

    private let answers = Mutex<[Answer]>([])

    func add(_ index: Int, _ result: Result<SignalIngest.Outcome, any Error>) {
        let answer: Answer
        switch result {
        case .success(.appended(let record)): answer = Answer(index: index, kind: "appended", seq: record.seq)
        case .success(.duplicate(let record)): answer = Answer(index: index, kind: "duplicate", seq: record.seq)
        case .success(.conflict): answer = Answer(index: index, kind: "conflict", seq: nil)
        case .success(.unavailable): answer = Answer(index: index, kind: "unavailable", seq: nil)
        case .success(let other): answer = Answer(index: index, kind: "\(other)", seq: nil)
        case .failure(let error): answer = Answer(index: index, kind: "failed: \(error)", seq: nil)
        }
        answers.withLock { $0.append(answer) }
    }

    /// The first `count` answers, once they are all in.
    func wait(for count: Int) async throws -> [Answer] {
        try await eventually("\(count) answers") { answers.withLock { $0.count >= count } }
        return answers.withLock { Array($0.prefix(count)) }
    }
}
