import Logging
import Models
import PostgresNIO
import ServiceKit
import SignalStore

/// The relay's reads of the signal log on the delivery path: pages for a subscription's pump
/// and heads for the gap filler. None may wedge delivery: each attempt is bounded (a query to a
/// database that was just restarted can sit on a connection being re-established), and a
/// subscription's page is tried again until it is read or the subscription is stopped. So a
/// database outage delays followers; live records wait in their bounded buffers (a long outage
/// overflows one, which disconnects that follower, who resumes later) rather than a subscription
/// silently sending nothing ever again.
struct LogReader: Sendable {
    typealias ReadPage = @Sendable (_ strategyId: String, _ after: Int64, _ limit: Int) async throws -> [SignalRecord]
    typealias ReadHeads = @Sendable (_ strategyIds: [String]) async throws -> [String: Int64]

    static let pageSize = 500
    let attemptTimeout: Duration
    let retryDelay: Duration
    let logger: Logger
    private let readPage: ReadPage
    private let readHeads: ReadHeads

    init(signals: any SignalLog, logger: Logger) {
        self.init(attemptTimeout: .seconds(5), retryDelay: .milliseconds(250), logger: logger) { strategyId, after, limit in
            try await signals.records(of: strategyId, after: after, limit: limit)
        } readHeads: { strategyIds in
            try await signals.headSeqs(of: strategyIds)
        }
    }

    /// Reads from elsewhere than the database: unit tests' failing logs.
    init(attemptTimeout: Duration, retryDelay: Duration, logger: Logger, readPage: @escaping ReadPage, readHeads: @escaping ReadHeads) {
        self.attemptTimeout = attemptTimeout
        self.retryDelay = retryDelay
        self.logger = logger
        self.readPage = readPage
        self.readHeads = readHeads
    }

    /// Up to `pageSize` records of `strategyId` after `seq`; nil once the caller was cancelled.
    func page(of strategyId: String, after seq: Int64) async -> [SignalRecord]? {
        let readPage = readPage
        while !Task.isCancelled {
            do {
                if let page = try await Deadline(after: attemptTimeout).run({ try await readPage(strategyId, seq, Self.pageSize) }) {
                    return page
                }
                logger.debug("log read timed out; trying again", metadata: ["strategy": "\(strategyId)"])
            } catch {
                logger.debug("log read failed; trying again", metadata: ["strategy": "\(strategyId)", "error": "\(error)"])
                do { try await Task.sleep(for: retryDelay) } catch { return nil }
            }
        }
        return nil
    }

    /// The head seq of each of `strategyIds` that has a log; nil when the database did not answer in time.
    func heads(of strategyIds: [String]) async throws -> [String: Int64]? {
        let readHeads = readHeads
        return try await Deadline(after: attemptTimeout).run { try await readHeads(strategyIds) }
    }
}
