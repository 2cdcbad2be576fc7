import Foundation
import Logging
import Models
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Where a device stands in a strategy: every record up to `ackedSeq` was acknowledged (PUBACK).
struct ResumeKey: Hashable, Sendable {
    let deviceId: UUID
    let strategyId: String
}

/// The `mqtt_resume_points` table (owned by the signal relay).
protocol MQTTResumeStore: Sendable {
    func ackedSeq(_ key: ResumeKey) async throws -> Int64?
    /// Upserts every point; a point never moves back (a late flush of an older connection).
    func save(_ points: [ResumeKey: Int64], at date: Date) async throws
}

struct PostgresMQTTResumeStore: MQTTResumeStore {
    let client: PostgresClient
    let logger: Logger

    func ackedSeq(_ key: ResumeKey) async throws -> Int64? {
        let rows = try await client.query(
            "SELECT acked_seq FROM mqtt_resume_points WHERE device_id = \(key.deviceId) AND strategy_id = \(key.strategyId)", logger: logger
        )
        for try await seq in rows.decode(Int64.self) { return seq }
        return nil
    }

    func save(_ points: [ResumeKey: Int64], at date: Date) async throws {
        guard !points.isEmpty else { return }
        let entries = Array(points)
        try await client.query(
            """
            INSERT INTO mqtt_resume_points (device_id, strategy_id, acked_seq, updated_at)
            SELECT d, s, q, \(date) FROM unnest(\(entries.map(\.key.deviceId))::uuid[], \(entries.map(\.key.strategyId))::text[], \(entries.map(\.value))::bigint[]) AS p (d, s, q)
            WHERE EXISTS (SELECT 1 FROM devices WHERE id = d)
            ON CONFLICT (device_id, strategy_id) DO UPDATE
            SET acked_seq = greatest(mqtt_resume_points.acked_seq, excluded.acked_seq), updated_at = excluded.updated_at
            """,
            logger: logger
        )
    }
}

/// The resume points of this instance's MQTT subscriptions as they move, written to the
/// database in one statement every `interval` (and once more at shutdown) rather than once per
/// PUBACK. After a crash a point is at most one interval behind: the device is sent those
/// records again, which the bot drops by their `u`; it is never ahead, so nothing is skipped.
final class MQTTResumeBook: Service, Sendable {
    let store: any MQTTResumeStore
    let interval: Duration
    let clock: any WallClock
    let logger: Logger
    private let dirty = Mutex<[ResumeKey: Int64]>([:])

    init(store: any MQTTResumeStore, interval: Duration, clock: any WallClock, logger: Logger) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// `key` acknowledged everything up to `seq`.
    func note(_ key: ResumeKey, ackedThrough seq: Int64) {
        dirty.withLock { $0[key] = max($0[key] ?? seq, seq) }
    }

    /// A point noted here and not saved yet: newer than the database's for a device that comes
    /// back to the same instance within the flush interval.
    func unsaved(_ key: ResumeKey) -> Int64? {
        dirty.withLock { $0[key] }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                if Task.isCancelled { break }
                await self.flush()
            }
        }
        // The last points of connections closed by the shutdown, in a task of its own: this one
        // is cancelled by now, and so would be its query.
        await Task { await self.flush(atShutdown: true) }.value
    }

    /// `atShutdown`: the database may be gone already (a cancelled process); a miss then only
    /// means a device is sent one interval of records again.
    func flush(atShutdown: Bool = false) async {
        let points = dirty.withLock { current -> [ResumeKey: Int64] in defer { current = [:] }; return current }
        guard !points.isEmpty else { return }
        do {
            try await store.save(points, at: clock.now())
        } catch {
            // Kept for the next flush; newer notes win over these.
            dirty.withLock { pending in pending.merge(points) { kept, _ in kept } }
            logger.log(level: atShutdown ? .info : .warning, "MQTT resume points not saved", metadata: ["error": "\(error)"])
        }
    }
}
