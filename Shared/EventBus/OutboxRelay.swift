import Foundation
import Logging
import Messaging
import Models
import PostgresNIO
import ServiceLifecycle

/// Publishes what services wrote to the outbox: claims unsent rows (`FOR UPDATE SKIP LOCKED`, so
/// replicas share the work), publishes them in order with confirms, marks the confirmed ones
/// sent, all in one transaction. Woken by `LISTEN outbox` at each commit, and polls anyway so a
/// lost notification or a failed publish only delays. Also prunes old outbox and inbox rows.
public struct OutboxRelay: Service {
    public struct Settings: Sendable {
        public var batchSize = 500
        public var pollInterval: Duration = .seconds(1)
        /// Before listening again after the database connection broke.
        public var retryDelay: Duration = .milliseconds(500)
        public var retention: Duration = .seconds(7 * 24 * 3600)
        public var pruneInterval: Duration = .seconds(3600)
        /// The notification channels that wake it: `outbox` for events; signal relays add
        /// `outbox_signals`, the channel of signal records (migration 12).
        public var channels = ["outbox"]

        public init() {}
    }

    let database: PostgresClient
    let broker: AMQPConnection
    let logger: Logger
    let settings: Settings

    public init(database: PostgresClient, broker: AMQPConnection, logger: Logger, settings: Settings = Settings()) {
        self.database = database
        self.broker = broker
        self.logger = logger
        self.settings = settings
    }

    public func run() async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await runUntilShutdown(grace: .seconds(15), logger: logger) {
            await withDiscardingTaskGroup { group in
                for channel in settings.channels {
                    group.addTask { await listen(on: channel, wake: wake) }
                }
                group.addTask { await tick(wake: wake) }
                group.addTask { await relay(wakeups: wakeups) }
                group.addTask { await pruneRegularly() }
            }
        }
        wake.finish()
    }

    /// Publishes one batch; returns how many rows it sent.
    @discardableResult
    public func relayBatch() async throws -> Int {
        try await database.withTransaction(logger: logger) { connection in
            let claimed = try await Outbox.claimUnsent(limit: settings.batchSize, on: connection, logger: logger)
            guard !claimed.isEmpty else { return 0 }
            let messages = claimed.map { row in
                // Not mandatory: an event nobody subscribes to is not an error. Work queues are
                // declared by every process (`Topology.astrolab`), so a consumer that has not
                // started yet still gets what was published before.
                OutgoingMessage(
                    exchange: row.message.exchange, routingKey: row.message.routingKey, body: row.message.body,
                    messageId: row.message.messageId, type: row.message.type, mandatory: false
                )
            }
            let results = await broker.publish(messages)
            var sent: [Int64] = []
            var firstFailure: AMQPError?
            for (row, result) in zip(claimed, results) {
                switch result {
                case .success: sent.append(row.id)
                case .failure(let error): firstFailure = firstFailure ?? error
                }
            }
            try await Outbox.markSent(ids: sent, on: connection, logger: logger)
            if let firstFailure {
                logger.warning("outbox rows not published yet", metadata: ["count": "\(claimed.count - sent.count)", "error": "\(firstFailure)"])
            }
            return sent.count
        }
    }

    /// Drains the outbox whenever woken (a commit's notification, or the poll tick).
    private func relay(wakeups: AsyncStream<Void>) async {
        for await _ in wakeups {
            do {
                while try await relayBatch() == settings.batchSize {}
            } catch where Task.isCancelled {
                return  // shutting down: what was not marked sent is published by the next run
            } catch {
                logger.warning("outbox relay failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    private func tick(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            wake.yield()
            try? await Task.sleep(for: settings.pollInterval)
        }
    }

    private func listen(on channel: String, wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                try await database.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        for try await _ in notifications {
                            wake.yield()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("outbox listener restarting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.retryDelay)
        }
    }

    private func pruneRegularly() async {
        while !Task.isCancelled {
            let cutoff = Date().addingTimeInterval(-Double(settings.retention.components.seconds))
            do {
                let outbox = try await Outbox.pruneSent(before: cutoff, client: database, logger: logger)
                let inbox = try await Inbox.prune(before: cutoff, client: database, logger: logger)
                if outbox + inbox > 0 {
                    logger.info("pruned delivered messages", metadata: ["outbox": "\(outbox)", "inbox": "\(inbox)"])
                }
            } catch {
                logger.debug("pruning failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.pruneInterval)
        }
    }
}
