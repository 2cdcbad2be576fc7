import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Models
@testable import SignalRelay

/// A subscription's delivery against a log in memory, some of whose reads fail or never answer
/// (what a database being restarted does), on a real event loop. (The same paths run for real
/// in the fault-injection run of ./deploy/test, with PostgreSQL stopped and the broker killed.)
@Suite("A subscription sends every record once, in order, and is never stranded", .timeLimit(.minutes(1)))
struct FollowerSubscriptionTests {
    /// A strategy's log in memory, whose next reads can be told to fail or to never answer.
    final class MemoryLog: Sendable {
        enum Trouble: Sendable { case fail, hang }
        private struct State {
            var records: [SignalRecord] = []
            var trouble: [Trouble] = []
            var reads = 0
        }
        private let state = Mutex(State())
        static let strategyId = "abcdefghij"

        func append(_ seqs: ClosedRange<Int64>) {
            state.withLock { state in
                for seq in seqs { state.records.append(Self.record(seq)) }
            }
        }

        func troubleNextReads(_ trouble: [Trouble]) {
            state.withLock { $0.trouble = trouble }
        }

        var reads: Int { state.withLock { $0.reads } }

        static func record(_ seq: Int64) -> SignalRecord {
            SignalRecord(
                strategyId: strategyId, seq: seq, messageId: "m-\(seq)", receivedAt: Date(), prevHash: SignalRecord.zeroHash,
                hash: SignalRecord.zeroHash, envelope: Array("{\"u\":\"m-\(seq)\"}".utf8)
            )
        }

        var reader: LogReader {
            LogReader(attemptTimeout: .milliseconds(100), retryDelay: .milliseconds(10), logger: Logger(label: "test")) { _, after, limit in
                let (trouble, page) = self.state.withLock { state -> (Trouble?, [SignalRecord]) in
                    state.reads += 1
                    let trouble = state.trouble.isEmpty ? nil : state.trouble.removeFirst()
                    return (trouble, Array(state.records.filter { $0.seq > after }.prefix(limit)))
                }
                switch trouble {
                case .fail: throw CancellationError()
                case .hang:
                    // Ignores cancellation, as a query on a connection being re-established may.
                    await Task.detached { try? await Task.sleep(for: .seconds(30)) }.value
                    return []
                case nil: return page
                }
            } readHeads: { _ in [:] }
        }
    }

    /// A connection that takes everything, or `capacity` records then stops taking.
    final class TestConnection: FollowerConnection {
        let eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let sent: AsyncStream<Int64>
        private let input: AsyncStream<Int64>.Continuation
        private let behind = Mutex(false)

        init() {
            (sent, input) = AsyncStream.makeStream(of: Int64.self)
        }

        func send(_ record: LiveRecord) -> Bool {
            eventLoop.preconditionInEventLoop()
            input.yield(record.seq)
            return true
        }

        func fellBehind() {
            behind.withLock { $0 = true }
            input.finish()
        }

        var didFallBehind: Bool { behind.withLock { $0 } }
    }

    static func subscription(_ connection: TestConnection, log: MemoryLog, buffer: Int = 64) -> FollowerSubscription {
        FollowerSubscription(strategyId: MemoryLog.strategyId, userId: UUID(), connection: connection, log: log.reader, buffer: buffer, onAccessEnded: { _ in })
    }

    /// Live records as the hub hands them over: on the connection's loop.
    static func deliver(_ seqs: [Int64], to subscription: FollowerSubscription) async throws {
        try await subscription.eventLoop.submit {
            for seq in seqs { subscription.deliver(LiveRecord(MemoryLog.record(seq))) }
        }.get()
    }

    static func first(_ count: Int, of connection: TestConnection) async -> [Int64] {
        var got: [Int64] = []
        for await seq in connection.sent {
            got.append(seq)
            if got.count == count { break }
        }
        return got
    }

    @Test("log reads that fail or never answer are tried again: the follower gets everything, in order, once the log answers")
    func failingReads() async throws {
        let log = MemoryLog()
        log.append(1...3)
        log.troubleNextReads([.fail, .hang, .fail])
        let connection = TestConnection()
        let subscription = Self.subscription(connection, log: log)
        subscription.start(after: 0)
        // A live record beyond the replay, while the replay is still failing: it waits its turn.
        log.append(4...4)
        try await Self.deliver([4], to: subscription)
        #expect(await Self.first(4, of: connection) == [1, 2, 3, 4])
        #expect(log.reads >= 4)
        subscription.stop()
    }

    @Test("live records overlapping the replay are sent once; one past a gap makes it read the gap from the log first")
    func overlapAndGap() async throws {
        let log = MemoryLog()
        log.append(1...5)
        let connection = TestConnection()
        let subscription = Self.subscription(connection, log: log)
        // Records the hub brings while the replay runs, some of which the replay also reads.
        try await Self.deliver([4, 5], to: subscription)
        subscription.start(after: 2)
        #expect(await Self.first(3, of: connection) == [3, 4, 5])
        // 6 and 7 were lost on the way (the broker restarted); 8 comes live.
        log.append(6...8)
        try await Self.deliver([8, 8, 7], to: subscription)
        #expect(await Self.first(3, of: connection) == [6, 7, 8])
        subscription.stop()
    }

    @Test("a follower whose live records overflow its buffer while the log is read is cut, not silently skipped")
    func overflowWhileCatchingUp() async throws {
        let log = MemoryLog()
        log.troubleNextReads([.hang])
        let connection = TestConnection()
        let subscription = Self.subscription(connection, log: log, buffer: 4)
        subscription.start(after: 0)
        try await Self.deliver(Array(1...5), to: subscription)
        for await _ in connection.sent {}  // finished by `fellBehind`
        #expect(connection.didFallBehind)
    }

    @Test("a stopped subscription sends nothing more")
    func stopped() async throws {
        let log = MemoryLog()
        let connection = TestConnection()
        let subscription = Self.subscription(connection, log: log)
        subscription.start(after: 0)
        try await Self.deliver([1], to: subscription)
        #expect(await Self.first(1, of: connection) == [1])
        subscription.stop()
        try await Self.deliver([2, 3], to: subscription)
        try await subscription.eventLoop.submit {}.get()
        connection.fellBehind()  // ends the stream: whatever was sent is in it now
        var after: [Int64] = []
        for await seq in connection.sent { after.append(seq) }
        #expect(after.isEmpty)
    }
}
