import Synchronization

/// A session's PUBACKs in the order its PUBLISHes came (MQTT 3.1.1 §4.6.0), whichever is
/// answered first: accepted signals are written in the background (`LogAppender`), a refused one
/// is answered at once, and signals to two strategies are written independently.
final class OrderedAcknowledgements: Sendable {
    private struct State {
        var next = 0
        var firstUnanswered = 0
        /// Answered places not yet due, with the packet id to acknowledge.
        var answered: [Int: UInt16] = [:]
    }

    private let state = Mutex(State())

    /// A place in line for the PUBLISH just read.
    func reserve() -> Int {
        state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
    }

    /// `packetId` answers place `place`; `send` is called, in order and under this object's lock
    /// (so two threads' answers cannot cross), for every acknowledgement now due.
    func answer(_ place: Int, packetId: UInt16, send: (UInt16) -> Void) {
        state.withLock { state in
            state.answered[place] = packetId
            while let due = state.answered.removeValue(forKey: state.firstUnanswered) {
                send(due)
                state.firstUnanswered += 1
            }
        }
    }
}
