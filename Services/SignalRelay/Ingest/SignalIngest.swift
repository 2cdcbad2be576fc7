import Foundation
import Logging
import Models
import NIOPosix
import OctoBotFormats
import PostgresNIO

/// Accepts signals for the log, the same way from HTTP and from an author's MQTT device:
/// validate (off the event loops), rate-limit per strategy, append in one transaction.
struct SignalIngest: Sendable {
    enum Outcome: Sendable {
        case appended(SignalRecord)
        case duplicate(SignalRecord)
        case conflict
        case rateLimited(retryAfter: Double)
        case rejected(SignalRejected)
    }

    let database: PostgresClient
    let logger: Logger
    let limiter: EmitRateLimiter
    let clock: any WallClock

    func ingest(_ bytes: [UInt8], strategyId: String) async throws -> Outcome {
        let envelope: SignalEnvelope
        do {
            envelope = try await NIOThreadPool.singleton.runIfActive {
                try SignalEnvelope.validate(bytes, strategyId: strategyId) { UUID().uuidString.lowercased() }
            }
        } catch let rejected as SignalRejected {
            return .rejected(rejected)
        }
        if let wait = await limiter.take(strategyId) { return .rateLimited(retryAfter: wait) }
        switch try await SignalLog.append(envelope, to: strategyId, at: clock.now(), client: database, logger: logger) {
        case .appended(let record):
            RelayMetrics.signalIngested()
            return .appended(record)
        case .duplicate(let record): return .duplicate(record)
        case .conflict: return .conflict
        }
    }
}
