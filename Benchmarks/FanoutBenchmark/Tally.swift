import Histogram
import NIOCore

/// What the followers on one event loop received. Each loop keeps its own (no lock on the
/// receive path); the run merges them at the end.
final class Tally {
    /// Publish → receipt, in microseconds.
    var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var delivered = 0
    var duplicates = 0
    /// Monotonic nanoseconds of the last receipt (the end of the delivery window).
    var lastReceipt: UInt64 = 0

    func received(sentAt: UInt64, now: UInt64) {
        delivered += 1
        lastReceipt = max(lastReceipt, now)
        _ = latency.record(now > sentAt ? (now - sentAt) / 1000 : 0)
    }

    var snapshot: Snapshot { Snapshot(latency: latency, delivered: delivered, duplicates: duplicates, lastReceipt: lastReceipt) }

    struct Snapshot: Sendable {
        var latency: Histogram<UInt64>
        var delivered: Int
        var duplicates: Int
        var lastReceipt: UInt64

        static let empty = Snapshot(
            latency: Histogram(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three), delivered: 0, duplicates: 0, lastReceipt: 0
        )

        mutating func add(_ other: Snapshot) {
            latency.add(other.latency)
            delivered += other.delivered
            duplicates += other.duplicates
            lastReceipt = max(lastReceipt, other.lastReceipt)
        }
    }
}

/// The messages one follower got, by index: a second copy of one is a duplicate.
struct ReceivedSet {
    private var words: [UInt64]

    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: capacity / 64 + 1)
    }

    /// False when `index` was already there.
    mutating func insert(_ index: Int) -> Bool {
        let (word, bit) = (index / 64, UInt64(1) << UInt64(index % 64))
        guard word < words.count, words[word] & bit == 0 else { return false }
        words[word] |= bit
        return true
    }
}

/// One table per event loop of the generator, reachable from that loop only.
final class Tallies: Sendable {
    private let tallies: [ObjectIdentifier: NIOLoopBoundBox<Tally>]
    let loops: [any EventLoop]

    init(group: any EventLoopGroup) {
        loops = Array(group.makeIterator())
        tallies = Dictionary(uniqueKeysWithValues: loops.map { (ObjectIdentifier($0), NIOLoopBoundBox.makeBoxSendingValue(Tally(), eventLoop: $0)) })
    }

    /// The tally of `loop`; call on it.
    func tally(on loop: any EventLoop) -> Tally {
        guard let bound = tallies[ObjectIdentifier(loop)] else { preconditionFailure("an event loop outside the generator's group") }
        return bound.value
    }

    func merged() async throws -> Tally.Snapshot {
        var total = Tally.Snapshot.empty
        for loop in loops {
            total.add(try await loop.submit { self.tally(on: loop).snapshot }.get())
        }
        return total
    }
}

/// The benchmark's message identity, `"u":"bench-<index>-<monotonic ns at publish>"`: each
/// receipt says which message it is and when it left, with no table shared between threads.
enum MessageStamp {
    static let marker = Array("\"u\":\"bench-".utf8)

    static func value(index: Int, sentAt: UInt64) -> String { "bench-\(index)-\(sentAt)" }

    /// The index and publish time in `bytes`, found from the end (the stamp is the envelope's last field).
    static func read(_ bytes: UnsafeRawBufferPointer) -> (index: Int, sentAt: UInt64)? {
        guard bytes.count > marker.count else { return nil }
        var start = bytes.count - marker.count
        while start >= 0 {
            if bytes[start] == marker[0], zip(marker.indices, marker).allSatisfy({ bytes[start + $0] == $1 }) { break }
            start -= 1
        }
        guard start >= 0 else { return nil }
        var position = start + marker.count
        func number() -> UInt64? {
            var value: UInt64 = 0
            var digits = 0
            while position < bytes.count, (48...57).contains(bytes[position]) {
                value = value * 10 + UInt64(bytes[position] - 48)
                position += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        guard let index = number(), position < bytes.count, bytes[position] == UInt8(ascii: "-") else { return nil }
        position += 1
        guard let sentAt = number() else { return nil }
        return (Int(index), sentAt)
    }
}

/// CLOCK_MONOTONIC in nanoseconds: one clock for every thread and process on the machine.
func monotonicNanoseconds() -> UInt64 {
    NIODeadline.now().uptimeNanoseconds
}
