import Foundation
import Logging
import Models
import NIOPosix
import OctoBotFormats
import PostgresNIO
import ServiceKit

/// Accepts signals for the log, the same way from HTTP and from an author's MQTT device:
/// validate (off the event loops), rate-limit per strategy, append in one transaction, all
/// within `commitTimeout` of the request's start: a bot is told at once when the log cannot be
/// written, instead of waiting on a database that does not answer. A committed record goes to
/// this instance's own followers at once (`committed`); the outbox brings it to the others'.
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
    /// Told each record as soon as it is committed (this instance's hub).
    var committed: @Sendable (SignalRecord) -> Void = { _ in }

    /// The deadline of a request that starts now.
    func deadline() -> Deadline {
        Deadline(after: commitTimeout)
    }

    func ingest(_ bytes: [UInt8], strategyId: String, by deadline: Deadline) async throws -> Outcome {
        let envelope: SignalEnvelope
        do {
            envelope = try await NIOThreadPool.singleton.runIfActive {
                try SignalEnvelope.validate(bytes, strategyId: strategyId) { UUID().uuidString.lowercased() }
            }
        } catch let rejected as SignalRejected {
            return .rejected(rejected)
        }
        if let wait = await limiter.take(strategyId) { return .rateLimited(retryAfter: wait) }
        let (database, logger, now) = (self.database, self.logger, clock.now())
        let appended: AppendOutcome?
        do {
            appended = try await deadline.run { try await SignalLog.append(envelope, to: strategyId, at: now, client: database, logger: logger) }
        } catch {
            await limiter.giveBack(strategyId)
            throw error
        }
        guard let appended else {
            // Not stored (as far as anyone knows): it must not count against the author's rate.
            await limiter.giveBack(strategyId)
            return .unavailable
        }
        switch appended {
        case .appended(let record):
            RelayMetrics.signalIngested()
            committed(record)
            return .appended(record)
        case .duplicate(let record): return .duplicate(record)
        case .conflict: return .conflict
        }
    }
}
