import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import OctoBotFormats
import PostgresNIO
import TestSupport
import Testing

@testable import SignalRelay

/// The broker may lose a record's fan-out message (after its restart, an outbox relay can publish
/// before a relay instance has declared its feed queue again). Followers must still get it,
/// without waiting for another signal.
@Suite("Live delivery never waits for the next signal", .timeLimit(.minutes(3)))
struct GapFillTests {
    let flows = RelayFlowTests()

    @Test("a committed record whose fan-out the broker lost reaches a connected follower from the log, in order, once; then live delivery goes on")
    func lostFanOut() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        try await harness.relay(["GAP_CHECK_INTERVAL_MS": "50"]).test(.live) { relay in
            var follower = WSFollower.connect(port: try #require(relay.port), token: world.follower.token)
            defer { follower.close() }
            follower.subscribe(world.strategyId)
            #expect(try await follower.next()?.type == "subscribed")

            // Two records committed with no fan-out at all, and nothing emitted after them.
            for orderId in ["lost-1", "lost-2"] {
                try await harness.commitWithoutFanOut(RelayFlowTests.bundle(world.strategyId, orderId: orderId), to: world.strategyId)
            }
            let filled = try await follower.signals(2)
            #expect(filled.map(\.seq) == [1, 2])

            // The next emit arrives live, right after them: no repeat, no gap.
            let emitted = try await flows.emit(relay, RelayFlowTests.bundle(world.strategyId, orderId: "live-3"), to: world.strategyId, key: world.emitKey)
            #expect(emitted.status == .accepted)
            #expect(try await follower.signals(1).first?.seq == 3)
        }
    }

    @Test("a follower who joins after the lost record, and so starts beyond it, does not hide the gap from the one who was there before")
    func lateJoinerDoesNotHideTheGap() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        // Long enough that the late joiner subscribes between the commit and the first fill.
        try await harness.relay(["GAP_CHECK_INTERVAL_MS": "400"]).test(.live) { relay in
            let port = try #require(relay.port)
            var early = WSFollower.connect(port: port, token: world.follower.token)
            defer { early.close() }
            early.subscribe(world.strategyId)
            #expect(try await early.next()?.type == "subscribed")

            try await harness.commitWithoutFanOut(RelayFlowTests.bundle(world.strategyId, orderId: "lost-1"), to: world.strategyId)
            var late = WSFollower.connect(port: port, token: world.follower.token)
            defer { late.close() }
            late.subscribe(world.strategyId)
            let subscribed = try await late.next()
            #expect(subscribed?.headSeq == 1)

            #expect(try await early.signals(1).map(\.seq) == [1])
            let emitted = try await flows.emit(relay, RelayFlowTests.bundle(world.strategyId, orderId: "live-2"), to: world.strategyId, key: world.emitKey)
            #expect(emitted.status == .accepted)
            #expect(try await early.signals(1).first?.seq == 2)
            #expect(try await late.signals(1).first?.seq == 2)
        }
    }
}

extension RelayHarness {
    /// Appends to the log exactly as an emit does (same chain, same head row), but without the
    /// outbox message that fans it out: what followers see when the broker loses that message.
    func commitWithoutFanOut(_ bundle: [UInt8], to strategyId: String) async throws {
        let envelope = try SignalEnvelope.validate(bundle, strategyId: strategyId) { UUID().uuidString.lowercased() }
        let bytes = envelope.canonicalBytes
        try await database.withClient { client in
            try await client.withTransaction(logger: Self.logger) { connection in
                try await connection.query(
                    "INSERT INTO signal_heads (strategy_id, seq, hash) VALUES (\(strategyId), 0, \(Data(SignalRecord.zeroHash))) ON CONFLICT DO NOTHING",
                    logger: Self.logger
                )
                var head: (Int64, [UInt8]) = (0, SignalRecord.zeroHash)
                for try await (seq, hash) in try await connection.query(
                    "SELECT seq, hash FROM signal_heads WHERE strategy_id = \(strategyId) FOR UPDATE", logger: Self.logger
                ).decode((Int64, Data).self) {
                    head = (seq, Array(hash))
                }
                let hash = SignalRecord.chainHash(previous: head.1, envelope: bytes)
                try await connection.query(
                    """
                    INSERT INTO signal_records (strategy_id, seq, message_id, envelope, prev_hash, hash, received_at)
                    VALUES (\(strategyId), \(head.0 + 1), \(envelope.messageId), \(Data(bytes)), \(Data(head.1)), \(Data(hash)), \(clock.now()))
                    """,
                    logger: Self.logger
                )
                try await connection.query(
                    "UPDATE signal_heads SET seq = \(head.0 + 1), hash = \(Data(hash)) WHERE strategy_id = \(strategyId)", logger: Self.logger
                )
            }
        }
    }
}
