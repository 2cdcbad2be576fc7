import Foundation
import Logging
import Models
import NIOPosix
import OctoBotFormats
import PostgresNIO
import ServiceKit
import Synchronization

/// Accepts signals for the log, the same way from HTTP and from an author's MQTT device:
/// validate (off the event loops), rate-limit per strategy, append in one transaction, all
/// within `commitTimeout` of the request's start: a bot is told at once when the log cannot be
/// written, instead of waiting on a database that does not answer. A committed record goes to
/// this instance's own followers when the caller says (`fanOut`, once the author is answered);
/// the outbox brings it to the other instances'.
struct SignalIngest: Sendable {
    enum Outcome: Sendable {
        case appended(SignalRecord)
        case duplicate(SignalRecord)
        case conflict
        case rateLimited(retryAfter: Double)
        case rejected(SignalRejected)
        /// The log could not be written in time: nothing is promised (a retry with the same `u`
        /// answers with the record if the commit happened after all).
        case unavailable
    }

    let database: PostgresClient
    let logger: Logger
    let limiter: EmitRateLimiter
    let clock: any WallClock
    let commitTimeout: Duration
    /// Where this instance's followers get a committed record (its hub).
    var fanOut: @Sendable (SignalRecord) -> Void = { _ in }
    /// The heads this instance last wrote, for the one-statement append.
    let heads = AppendedHeads()

    /// The deadline of a request that starts now.
    func deadline() -> Deadline {
        Deadline(after: commitTimeout)
    }

    func ingest(_ bytes: [UInt8], strategyId: String, by deadline: Deadline) async throws -> Outcome {
        let envelope: SignalEnvelope
        do {
            envelope = try await Self.validate(bytes, strategyId: strategyId)
        } catch let rejected as SignalRejected {
            return .rejected(rejected)
        }
        if let wait = limiter.take(strategyId) { return .rateLimited(retryAfter: wait) }
        let now = clock.now()
        let appended: AppendOutcome?
        do {
            appended = try await deadline.run { try await append(envelope, to: strategyId, at: now) }
        } catch {
            limiter.giveBack(strategyId)
            throw error
        }
        guard let appended else {
            // Not stored (as far as anyone knows): it must not count against the author's rate.
            limiter.giveBack(strategyId)
            return .unavailable
        }
        switch appended {
        case .appended(let record):
            RelayMetrics.signalIngested()
            heads.remember(SignalHead(after: record), of: strategyId)
            return .appended(record)
        case .duplicate(let record): return .duplicate(record)
        case .conflict: return .conflict
        }
    }

    /// Envelopes up to this size are validated where they arrive: a bot's usual bundle (a few
    /// KiB) parses in microseconds, less than the two thread switches of the pool would cost.
    static let inlineValidationBytes = 16 * 1024

    /// Validates `bytes`, a large envelope off the caller's thread.
    private static func validate(_ bytes: [UInt8], strategyId: String) async throws -> SignalEnvelope {
        let validate: @Sendable () throws -> SignalEnvelope = { try SignalEnvelope.validate(bytes, strategyId: strategyId) { UUID().uuidString.lowercased() } }
        return bytes.count <= inlineValidationBytes ? try validate() : try await NIOThreadPool.singleton.runIfActive(validate)
    }

    /// After the head this instance last wrote in one statement; from the locked head otherwise
    /// (the first signal, another instance appended since, or a message id already logged).
    private func append(_ envelope: SignalEnvelope, to strategyId: String, at now: Date) async throws -> AppendOutcome {
        if let head = heads.head(of: strategyId),
            let record = try await SignalLog.append(envelope, to: strategyId, after: head, at: now, client: database, logger: logger)
        {
            return .appended(record)
        }
        return try await SignalLog.append(envelope, to: strategyId, at: now, client: database, logger: logger)
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

    func remember(_ head: SignalHead, of strategyId: String) {
        heads.withLock { heads in
            if heads.count >= Self.capacity { heads = [:] }
            heads[strategyId] = head
        }
    }
}
