import Foundation
import Logging
import Synchronization
import Testing

@testable import Models
@testable import SignalRelay

/// A subscription's pump against a log in memory that fails, hangs or gains records behind the
/// broker's back: what the database and the broker can do to it. (The same paths run for real
/// in the fault-injection run of ./deploy/test, with PostgreSQL stopped and the broker killed.)
@Suite("A subscription's pump is never stranded", .timeLimit(.minutes(1)))
struct SubscriptionPumpTests {
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

        /// Returns once the log was read `count` times (the pump's replay is over, say).
        func waitForReads(_ count: Int) async {
            while reads < count { try? await Task.sleep(for: .milliseconds(1)) }
        }

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

    /// Pumps `subscription` from `log` until it sent `count` records; returns their seqs.
    func sent(_ count: Int, by subscription: FollowerSubscription, from log: MemoryLog, after start: Int64 = 0, while act: @Sendable () async -> Void) async -> [Int64] {
        let (seqs, input) = AsyncStream.makeStream(of: Int64.self)
        let pump = Task {
            await subscription.pump(after: start, log: log.reader) { record in
                input.yield(record.seq)
                return true
            }
            input.finish()
        }
        await act()
        var got: [Int64] = []
        for await seq in seqs {
            got.append(seq)
            if got.count == count { break }
        }
        subscription.finish()
        await pump.value
        return got
    }

    static func subscription() -> FollowerSubscription {
        FollowerSubscription(strategyId: MemoryLog.strategyId, userId: UUID(), buffer: 64, onOverflow: {}, onAccessEnded: { _ in })
    }

    @Test("log reads that fail or never answer are tried again: the follower gets everything, in order, once the log answers")
    func failingReads() async {
        let log = MemoryLog()
        log.append(1...3)
        log.troubleNextReads([.fail, .hang, .fail])
        let subscription = Self.subscription()
        let got = await sent(4, by: subscription, from: log) {
            // A live record beyond the replay: its gap is read (and fails) too.
            log.append(4...4)
            subscription.deliver(LiveRecord(MemoryLog.record(4)))
        }
        #expect(got == [1, 2, 3, 4])
        #expect(log.reads >= 4)
    }

    @Test("told that the log reached a seq it has not sent, a subscription reads the rest; one that sent it reads nothing")
    func announcedHead() async {
        let log = MemoryLog()
        let subscription = Self.subscription()
        let got = await sent(3, by: subscription, from: log) {
            await log.waitForReads(1)
            // Committed behind the broker's back, after the replay: nothing comes live.
            log.append(1...2)
            subscription.logReached(2)
            log.append(3...3)
            subscription.deliver(LiveRecord(MemoryLog.record(3)))
        }
        #expect(got == [1, 2, 3])
        let readsBefore = log.reads

        let upToDate = Self.subscription()
        let none = await sent(1, by: upToDate, from: log, after: 3) {
            upToDate.logReached(3)
            upToDate.logReached(2)
            log.append(4...4)
            upToDate.deliver(LiveRecord(MemoryLog.record(4)))
        }
        #expect(none == [4])
        // The second pump read the log once, to replay after 3; the announced heads cost nothing.
        #expect(log.reads == readsBefore + 1)
    }
}
