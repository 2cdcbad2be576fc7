import DequeModule

/// Publisher-confirm bookkeeping for one channel: which delivery tag belongs to which publish,
/// and what each confirm (ack, nack, multiple, after a return) means for its waiter.
/// Pure logic, kept apart from the C calls so it can be tested on its own.
struct PendingConfirms<Waiter> {
    struct Entry {
        let tag: UInt64
        let messageId: String
        let deadline: ContinuousClock.Instant
        let waiter: Waiter
    }

    private var entries: Deque<Entry> = []
    /// Mandatory messages the broker returned; their ack follows and must become an error.
    private var returned: [String: AMQPError] = [:]
    /// Tags count from 1 on a channel after confirm.select.
    private(set) var nextTag: UInt64 = 1

    var isEmpty: Bool { entries.isEmpty }

    /// Records a publish just written to the channel.
    mutating func sent(messageId: String, deadline: ContinuousClock.Instant, waiter: Waiter) {
        entries.append(Entry(tag: nextTag, messageId: messageId, deadline: deadline, waiter: waiter))
        nextTag += 1
    }

    mutating func returned(messageId: String, exchange: String, routingKey: String) {
        returned[messageId] = .unroutable(exchange: exchange, routingKey: routingKey)
    }

    /// Settles every publish the confirm covers.
    mutating func confirm(tag: UInt64, multiple: Bool, ack: Bool) -> [(Waiter, Result<Void, AMQPError>)] {
        var settled: [(Waiter, Result<Void, AMQPError>)] = []
        func settle(_ entry: Entry) {
            let failure = returned.removeValue(forKey: entry.messageId)
            if !ack {
                settled.append((entry.waiter, .failure(.nacked)))
            } else if let failure {
                settled.append((entry.waiter, .failure(failure)))
            } else {
                settled.append((entry.waiter, .success(())))
            }
        }
        if multiple {
            while let first = entries.first, first.tag <= tag {
                settle(entries.removeFirst())
            }
        } else if let index = entries.firstIndex(where: { $0.tag == tag }) {
            settle(entries.remove(at: index))
        }
        return settled
    }

    /// Removes publishes whose deadline has passed (checked in publish order).
    mutating func expire(now: ContinuousClock.Instant) -> [Waiter] {
        var expired: [Waiter] = []
        while let first = entries.first, first.deadline <= now {
            expired.append(entries.removeFirst().waiter)
        }
        return expired
    }

    /// Forgets everything (the channel is gone) and returns the waiters still unsettled.
    mutating func reset() -> [Waiter] {
        let waiters = entries.map(\.waiter)
        entries.removeAll()
        returned.removeAll()
        nextTag = 1
        return waiters
    }
}
