import Foundation
import Logging
import Models
import NIOCore
import OctoBotFormats
import PostgresNIO

/// What appending a signal did.
public enum AppendOutcome: Sendable, Equatable {
    case appended(SignalRecord)
    /// The same `u` with the same content was already logged: the original record.
    case duplicate(SignalRecord)
    /// The same `u` with different content.
    case conflict
}

/// The chain end of one strategy's log: `{seq: 0, hash: zeros}` when empty.
public struct SignalHead: Sendable, Equatable {
    public let seq: Int64
    public let hash: [UInt8]

    public init(seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    /// The chain's end once `record` is appended.
    public init(after record: SignalRecord) {
        self.init(seq: record.seq, hash: record.hash)
    }
}

/// The outcome of re-computing a chain.
public struct ChainVerification: Sendable, Equatable {
    public let records: Int
    /// The first record whose seq, link or hash does not check out; nil when the chain holds.
    public let firstBadSeq: Int64?
    public var isValid: Bool { firstBadSeq == nil }
}

/// Each strategy's hash-chained log of signals: the `signal_records` and `signal_heads` tables
/// (owned by the signal relay).
public protocol SignalLog: Sendable {
    /// Appends one signal, locking the chain's head; tells a retry (`duplicate`) from a conflict.
    func append(_ envelope: SignalEnvelope, to strategyId: String, at now: Date) async throws -> AppendOutcome
    /// Appends signals after `head` in one step, or returns nil if `head` is no longer the end
    /// or a message id is logged already (then `append` one by one sorts it out).
    func append(_ envelopes: [(envelope: SignalEnvelope, receivedAt: Date)], to strategyId: String, after head: SignalHead) async throws -> [SignalRecord]?
    /// Records after `seq`, in order, at most `limit`.
    func records(of strategyId: String, after seq: Int64, limit: Int) async throws -> [SignalRecord]
    /// The head seq of each of `strategyIds` that has a log.
    func headSeqs(of strategyIds: [String]) async throws -> [String: Int64]
    /// The chain's end: `{seq: 0, hash: zeros}` when empty.
    func head(of strategyId: String) async throws -> SignalHead
}

extension SignalLog {
    /// Recomputes the whole chain from the stored envelopes: numbering from 1 without gaps,
    /// each `prevHash` the previous `hash`, each `hash` the digest of its link.
    public func verify(_ strategyId: String) async throws -> ChainVerification {
        var previous = SignalRecord.zeroHash
        var expected: Int64 = 1
        var count = 0
        while true {
            let page = try await records(of: strategyId, after: expected - 1, limit: 1000)
            for record in page {
                guard record.seq == expected, record.prevHash == previous,
                    record.hash == SignalRecord.chainHash(previous: previous, envelope: record.envelope)
                else { return ChainVerification(records: count, firstBadSeq: expected) }
                previous = record.hash
                expected += 1
                count += 1
            }
            if page.count < 1000 { break }
        }
        let head = try await head(of: strategyId)
        guard head.seq == expected - 1, head.hash == previous else { return ChainVerification(records: count, firstBadSeq: expected) }
        return ChainVerification(records: count, firstBadSeq: nil)
    }
}

public struct PostgresSignalLog: SignalLog {
    /// Exchange `astrolab.signals`: the routing key is the strategy id, the body the record.
    static let recordType = "signal.record"

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Appends `envelope` to `strategyId`'s log in one transaction that locks the chain's head
    /// (concurrent emitters of one strategy take turns; others run in parallel), and queues the
    /// record for fan-out through the outbox, so a committed record is always relayed.
    public func append(_ envelope: SignalEnvelope, to strategyId: String, at now: Date) async throws -> AppendOutcome {
        let bytes = envelope.canonicalBytes
        return try await client.withTransaction(logger: logger) { connection -> AppendOutcome in
            try await connection.query(
                "INSERT INTO signal_heads (strategy_id, seq, hash) VALUES (\(strategyId), 0, \(Data(SignalRecord.zeroHash))) ON CONFLICT DO NOTHING",
                logger: logger
            )
            var head = SignalHead(seq: 0, hash: SignalRecord.zeroHash)
            for try await (seq, hash) in try await connection.query(
                "SELECT seq, hash FROM signal_heads WHERE strategy_id = \(strategyId) FOR UPDATE", logger: logger
            ).decode((Int64, Data).self) {
                head = SignalHead(seq: seq, hash: Array(hash))
            }
            let existing = try await connection.query(
                "\(unescaped: Self.selectRecords) WHERE strategy_id = \(strategyId) AND message_id = \(envelope.messageId)", logger: logger
            )
            for try await row in existing {
                let record = try Self.decode(row)
                return record.envelope == bytes ? .duplicate(record) : .conflict
            }
            let record = SignalRecord(next: envelope, to: strategyId, after: head, at: now)
            try await connection.query(
                """
                INSERT INTO signal_records (strategy_id, seq, message_id, envelope, prev_hash, hash, received_at)
                VALUES (\(strategyId), \(record.seq), \(record.messageId), \(Data(bytes)), \(Data(record.prevHash)), \(Data(record.hash)), \(now))
                """,
                logger: logger
            )
            try await connection.query(
                "UPDATE signal_heads SET seq = \(record.seq), hash = \(Data(record.hash)) WHERE strategy_id = \(strategyId)", logger: logger
            )
            try await Outbox.enqueue(Self.fanOut(record), on: connection, logger: logger)
            return .appended(record)
        }
    }

    /// Appends `envelopes` (each with the time it was received), in order, right after `head`,
    /// if `head` is still the chain's end, in a single statement (one round trip, one commit for
    /// them all): the head moves, the records and their fan-out messages are written, or nothing
    /// is. Nil when it did not apply (another writer moved the head, or a message id is logged
    /// already): then `append`, which locks the head and tells duplicates from conflicts, does it
    /// one by one. A writer that remembers the head it last wrote saves the seven other round
    /// trips of `append` on every signal but the first, and shares one commit among the signals
    /// that arrived while the last one was being written.
    public func append(
        _ envelopes: [(envelope: SignalEnvelope, receivedAt: Date)], to strategyId: String, after head: SignalHead
    ) async throws -> [SignalRecord]? {
        var records: [SignalRecord] = []
        var end = head
        for (envelope, receivedAt) in envelopes {
            let record = SignalRecord(next: envelope, to: strategyId, after: end, at: receivedAt)
            records.append(record)
            end = SignalHead(after: record)
        }
        guard !records.isEmpty else { return [] }
        let messages = records.map(Self.fanOut)
        let bytes = { (values: [[UInt8]]) in values.map { ByteBuffer(bytes: $0) } }
        do {
            let rows = try await client.query(
                """
                WITH moved AS (
                    UPDATE signal_heads SET seq = \(end.seq), hash = \(Data(end.hash))
                    WHERE strategy_id = \(strategyId) AND seq = \(head.seq) AND hash = \(Data(head.hash))
                    RETURNING strategy_id
                ), appended AS (
                    INSERT INTO signal_records (strategy_id, seq, message_id, envelope, prev_hash, hash, received_at)
                    SELECT moved.strategy_id, r.seq, r.message_id, r.envelope, r.prev_hash, r.hash, r.received_at
                    FROM moved, unnest(
                        \(records.map(\.seq))::int8[], \(records.map(\.messageId))::text[], \(bytes(records.map(\.envelope)))::bytea[],
                        \(bytes(records.map(\.prevHash)))::bytea[], \(bytes(records.map(\.hash)))::bytea[], \(records.map(\.receivedAt))::timestamptz[]
                    ) AS r(seq, message_id, envelope, prev_hash, hash, received_at)
                    RETURNING strategy_id
                ), queued AS (
                    INSERT INTO outbox (message_id, exchange, routing_key, type, body)
                    SELECT m.message_id, m.exchange, m.routing_key, NULLIF(m.type, ''), m.body  -- "" stands for a message without a type
                    FROM moved, unnest(
                        \(messages.map(\.messageId))::text[], \(messages.map(\.exchange))::text[], \(messages.map(\.routingKey))::text[],
                        \(messages.map { $0.type ?? "" })::text[], \(bytes(messages.map(\.body)))::bytea[]
                    ) WITH ORDINALITY AS m(message_id, exchange, routing_key, type, body, position)
                    ORDER BY m.position  -- outbox ids, the order the relay publishes in, follow seq
                )
                SELECT count(*) FROM appended
                """,
                logger: logger
            )
            for try await count in rows.decode(Int64.self) where count == records.count { return records }
            return nil
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.uniqueViolation {
            return nil  // a message id is logged: a retry, or a conflict
        }
    }

    private static let uniqueViolation = "23505"

    /// The outbox message that brings `record` to every relay instance's followers.
    private static func fanOut(_ record: SignalRecord) -> OutboxMessage {
        OutboxMessage(
            messageId: "signal:\(record.strategyId):\(record.seq)", exchange: ExchangeNames.signals, routingKey: record.strategyId,
            type: recordType, body: record.json
        )
    }

    public func records(of strategyId: String, after seq: Int64, limit: Int) async throws -> [SignalRecord] {
        let rows = try await client.query(
            "\(unescaped: Self.selectRecords) WHERE strategy_id = \(strategyId) AND seq > \(seq) ORDER BY seq LIMIT \(limit)", logger: logger
        )
        var records: [SignalRecord] = []
        for try await row in rows { records.append(try Self.decode(row)) }
        return records
    }

    /// One query, however many strategies.
    public func headSeqs(of strategyIds: [String]) async throws -> [String: Int64] {
        var heads: [String: Int64] = [:]
        for try await (strategyId, seq) in try await client.query(
            "SELECT strategy_id, seq FROM signal_heads WHERE strategy_id = ANY(\(strategyIds))", logger: logger
        ).decode((String, Int64).self) {
            heads[strategyId] = seq
        }
        return heads
    }

    public func head(of strategyId: String) async throws -> SignalHead {
        for try await (seq, hash) in try await client.query(
            "SELECT seq, hash FROM signal_heads WHERE strategy_id = \(strategyId)", logger: logger
        ).decode((Int64, Data).self) {
            return SignalHead(seq: seq, hash: Array(hash))
        }
        return SignalHead(seq: 0, hash: SignalRecord.zeroHash)
    }

    static let selectRecords = "SELECT strategy_id, seq, message_id, received_at, prev_hash, hash, envelope FROM signal_records"

    static func decode(_ row: PostgresRow) throws -> SignalRecord {
        let (strategyId, seq, messageId, receivedAt, prevHash, hash, envelope) = try row.decode((String, Int64, String, Date, Data, Data, Data).self)
        return SignalRecord(
            strategyId: strategyId, seq: seq, messageId: messageId, receivedAt: receivedAt, prevHash: Array(prevHash),
            hash: Array(hash), envelope: Array(envelope)
        )
    }
}

extension SignalRecord {
    /// The record that appends `envelope` after `head`: the next seq, linked to the head's hash.
    public init(next envelope: SignalEnvelope, to strategyId: String, after head: SignalHead, at now: Date) {
        let bytes = envelope.canonicalBytes
        self.init(
            strategyId: strategyId, seq: head.seq + 1, messageId: envelope.messageId, receivedAt: now, prevHash: head.hash,
            hash: Self.chainHash(previous: head.hash, envelope: bytes), envelope: bytes
        )
    }
}
