import Foundation
import Logging
import Models
import NIOPosix
import OctoBotFormats
import PostgresNIO
import ServiceKit
import SignalStore
import Synchronization

/// Accepts signals for the log, the same way from HTTP and from an author's MQTT device:
/// validate (off the event loops when large), rate-limit per strategy, then append in the order
/// accepted (`LogAppender`: one statement for the signals that arrive while the last is being
/// written), answered within `commitTimeout` of the request's start: a bot is told at once when
/// the log cannot be written, instead of waiting on a database that does not answer. Once the
/// authors of a batch are answered, its records go to this instance's own followers (`fanOut`);
/// the outbox brings them to the other instances'.
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

    /// A signal that passed validation and the rate limit, or the outcome that refused it.
    enum Admission: Sendable {
        case accepted(SignalEnvelope)
        case refused(Outcome)
    }

    let limiter: EmitRateLimiter
    let clock: any WallClock
    let commitTimeout: Duration
    private let appender: LogAppender

    /// `fanOut`: where this instance's followers get a committed record (its hub).
    init(
        database: PostgresClient, logger: Logger, limiter: EmitRateLimiter, clock: any WallClock, commitTimeout: Duration,
        fanOut: @escaping @Sendable (SignalRecord) -> Void = { _ in }
    ) {
        self.limiter = limiter
        self.clock = clock
        self.commitTimeout = commitTimeout
        appender = LogAppender(log: PostgresSignalLog(client: database, logger: logger), fanOut: fanOut)
    }

    /// The deadline of a request that starts now.
    func deadline() -> Deadline {
        Deadline(after: commitTimeout)
    }

    /// Validates `bytes` and takes a token of the strategy's rate.
    func admit(_ bytes: [UInt8], strategyId: String) async -> Admission {
        let envelope: SignalEnvelope
        do {
            envelope = try await Self.validate(bytes, strategyId: strategyId)
        } catch let rejected as SignalRejected {
            return .refused(.rejected(rejected))
        } catch {
            return .refused(.unavailable)  // the thread pool is shutting down
        }
        if let wait = limiter.take(strategyId) { return .refused(.rateLimited(retryAfter: wait)) }
        return .accepted(envelope)
    }

    /// Queues an admitted envelope for the log; `answer` is called once, after those of the
    /// strategy's earlier signals and before the record reaches this instance's followers.
    func append(_ envelope: SignalEnvelope, to strategyId: String, by deadline: Deadline, answer: @escaping @Sendable (Result<Outcome, any Error>) -> Void) {
        let limiter = self.limiter
        appender.append(envelope, to: strategyId, at: clock.now(), by: deadline) { result in
            switch result {
            case .success(.appended(let record)?): answer(.success(.appended(record)))
            case .success(.duplicate(let record)?): answer(.success(.duplicate(record)))
            case .success(.conflict?): answer(.success(.conflict))
            case .success(nil):
                // Not stored (as far as anyone knows): it must not count against the author's rate.
                limiter.giveBack(strategyId)
                answer(.success(.unavailable))
            case .failure(let error):
                limiter.giveBack(strategyId)
                answer(.failure(error))
            }
        }
    }

    /// Admits and appends `bytes`, and waits for the outcome.
    func ingest(_ bytes: [UInt8], strategyId: String, by deadline: Deadline) async throws -> Outcome {
        switch await admit(bytes, strategyId: strategyId) {
        case .refused(let outcome): return outcome
        case .accepted(let envelope):
            return try await withCheckedThrowingContinuation { continuation in
                append(envelope, to: strategyId, by: deadline) { continuation.resume(with: $0) }
            }
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
}
