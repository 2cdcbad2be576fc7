import Foundation
import Logging
import Synchronization
import Testing

@testable import Models
@testable import SignalRelay

/// A subscription's pump against a log in memory whose reads fail or never answer: what a
/// database being restarted does to it. (The same paths run for real
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
    func sent(_ count: Int, by subscription: FollowerSubscription, from log: MemoryLog, while act: @Sendable () async -> Void) async -> [Int64] {
        let (seqs, input) = AsyncStream.makeStream(of: Int64.self)
        let pump = Task {
            await subscription.pump(after: 0, log: log.reader) { record in
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
}
