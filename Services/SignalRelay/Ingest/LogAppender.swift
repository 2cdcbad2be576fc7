import Foundation
import Logging
import Models
import OctoBotFormats
import PostgresNIO
import ServiceKit
import SignalStore
import Synchronization

/// Writes each strategy's accepted signals to its log in the order they were accepted, several
/// to a statement: while one statement is on its way, the strategy's next signals wait and then
/// go together in the next one (a group commit). An author who sends faster than one commit per
/// signal is no longer held to one commit per signal, and the bot still hears back in order.
///
/// Every request is answered once, in order, by its deadline: a request whose deadline passed
/// while it waited is answered `unavailable` without being written, and a statement that does
/// not finish by the earliest deadline of its batch answers them all `unavailable` (it may
/// still commit; a retry with the same `u` then gets the record). Whatever was queued behind a
/// request that was not written is answered `unavailable` too, never written after it. Once a
/// batch is answered, its records go to this instance's followers, in log order.
final class LogAppender: Sendable {
    /// What became of one request: an append outcome, nothing in time (`nil`), or a failure.
    typealias Answer = @Sendable (Result<AppendOutcome?, any Error>) -> Void

    private struct Request: Sendable {
        let envelope: SignalEnvelope
        let receivedAt: Date
        let deadline: Deadline
        let answer: Answer
    }

    /// The most signals one statement writes.
    static let maxBatch = 64

    private let log: any SignalLog
    private let fanOut: @Sendable (SignalRecord) -> Void
    private let heads = AppendedHeads()
    /// By strategy, the requests waiting for the statement under way; a strategy is present
    /// exactly while a task is writing its log.
    private let waiting = Mutex<[String: [Request]]>([:])

    init(log: any SignalLog, fanOut: @escaping @Sendable (SignalRecord) -> Void) {
        self.log = log
        self.fanOut = fanOut
    }

    /// Queues `envelope` for `strategyId`'s log; `answer` is called once it is written or given
    /// up, after the answers of every request queued before it for that strategy.
    func append(_ envelope: SignalEnvelope, to strategyId: String, at receivedAt: Date, by deadline: Deadline, answer: @escaping Answer) {
        let request = Request(envelope: envelope, receivedAt: receivedAt, deadline: deadline, answer: answer)
        let starts = waiting.withLock { waiting -> Bool in
            guard waiting[strategyId] == nil else {
                waiting[strategyId, default: []].append(request)
                return false
            }
            waiting[strategyId] = []
            return true
        }
        guard starts else { return }
        Task { await writeAll(strategyId, startingWith: [request]) }
    }

    /// Writes batch after batch until no request of `strategyId` is waiting.
    private func writeAll(_ strategyId: String, startingWith first: [Request]) async {
        var batch = first
        while !batch.isEmpty {
            await write(batch, to: strategyId)
            batch = waiting.withLock { waiting in
                let queued = waiting[strategyId] ?? []
                guard !queued.isEmpty else {
                    waiting[strategyId] = nil
                    return []
                }
                waiting[strategyId] = Array(queued.dropFirst(Self.maxBatch))
                return Array(queued.prefix(Self.maxBatch))
            }
        }
    }

    private func write(_ batch: [Request], to strategyId: String) async {
        // The requests still in time: those before the first whose deadline passed while it
        // waited. That one is not written, so none after it is either: a bot's resend would
        // otherwise land after signals it sent later.
        let now = ContinuousClock.now
        let live = Array(batch.prefix { $0.deadline.instant > now })
        let result: Result<[AppendOutcome]?, any Error>
        if let deadline = live.min(by: { $0.deadline.instant < $1.deadline.instant })?.deadline {
            do {
                result = .success(try await deadline.run { [self] in try await commit(live, to: strategyId) })
            } catch {
                result = .failure(error)
            }
        } else {
            result = .success(nil)
        }
        var appended: [SignalRecord] = []
        for (index, request) in batch.enumerated() {
            switch result {
            case .success(let outcomes?) where index < outcomes.count:
                if case .appended(let record) = outcomes[index] { appended.append(record) }
                request.answer(.success(outcomes[index]))
            case .failure(let error) where index < live.count: request.answer(.failure(error))
            default: request.answer(.success(nil))  // not in time: its deadline passed while it waited, or during the statement
            }
        }
        let allWritten = if case .success(let outcomes?) = result { outcomes.count == batch.count } else { false }
        if !allWritten {
            // Something was not written: what waits behind it would be written out of order.
            for request in waiting.withLock({ $0.updateValue([], forKey: strategyId) ?? [] }) { request.answer(.success(nil)) }
        }
        for record in appended {
            RelayMetrics.signalIngested()
            fanOut(record)
        }
    }

    /// After the head this instance last wrote in one statement; from the locked head, one by
    /// one, otherwise (the first signal, another instance appended since, or a message id
    /// already logged), back to one statement for the rest once a head is known. The head is
    /// remembered as soon as a write commits, even for a batch whose callers gave up, and a
    /// write given up (cancelled at the deadline) starts nothing more, so a later batch cannot
    /// be overtaken by the rest of an earlier one.
    private func commit(_ requests: [Request], to strategyId: String) async throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        var rest = requests[...]
        while !rest.isEmpty {
            try Task.checkCancellation()
            if let head = heads.head(of: strategyId),
                let records = try await log.append(rest.map { ($0.envelope, $0.receivedAt) }, to: strategyId, after: head)
            {
                if let last = records.last { heads.remember(SignalHead(after: last), of: strategyId) }
                return outcomes + records.map(AppendOutcome.appended)
            }
            guard let request = rest.popFirst() else { break }
            try Task.checkCancellation()
            let outcome = try await log.append(request.envelope, to: strategyId, at: request.receivedAt)
            if case .appended(let record) = outcome {
                heads.remember(SignalHead(after: record), of: strategyId)
            } else {
                heads.forget(strategyId)  // a retry or a conflict: the head is wherever it is; the next write locks it
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}

/// The chain ends this relay instance appended last, by strategy. Only a hint: a head that
/// moved since makes the one-statement append not apply, and the locked append runs instead.
final class AppendedHeads: Sendable {
    /// More strategies than this emitting through one instance: start over rather than grow.
    private static let capacity = 10_000
    private let heads = Mutex<[String: SignalHead]>([:])

    func head(of strategyId: String) -> SignalHead? {
        heads.withLock { $0[strategyId] }
    }

    func forget(_ strategyId: String) {
        _ = heads.withLock { $0.removeValue(forKey: strategyId) }
    }

    func remember(_ head: SignalHead, of strategyId: String) {
        heads.withLock { heads in
            if heads.count >= Self.capacity { heads = [:] }
            heads[strategyId] = head
        }
    }
}
