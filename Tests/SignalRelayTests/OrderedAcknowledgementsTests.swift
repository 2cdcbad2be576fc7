import Synchronization
import Testing

@testable import SignalRelay

/// MQTT 3.1.1 §4.6.0: PUBACKs go out in the order the PUBLISHes came, however their answers arrive.
@Suite("MQTT: PUBACKs in PUBLISH order")
struct OrderedAcknowledgementsTests {
    @Test("answers that arrive out of order are sent in order, each once, as soon as all before it are in")
    func outOfOrder() {
        let acknowledgements = OrderedAcknowledgements()
        let places = (0..<4).map { _ in acknowledgements.reserve() }
        var sent: [UInt16] = []
        acknowledgements.answer(places[2], packetId: 12) { sent.append($0) }
        acknowledgements.answer(places[1], packetId: 11) { sent.append($0) }
        #expect(sent.isEmpty, "nothing is due while the first is unanswered")
        acknowledgements.answer(places[0], packetId: 10) { sent.append($0) }
        #expect(sent == [10, 11, 12])
        acknowledgements.answer(places[3], packetId: 13) { sent.append($0) }
        #expect(sent == [10, 11, 12, 13])
    }

    @Test("answers from many threads at once still come out in order")
    func concurrent() async {
        let acknowledgements = OrderedAcknowledgements()
        let places = (0..<1000).map { _ in acknowledgements.reserve() }
        let sent = Sent()
        await withTaskGroup(of: Void.self) { group in
            for place in places.shuffled() {
                group.addTask { acknowledgements.answer(place, packetId: UInt16(place)) { id in sent.ids.withLock { $0.append(id) } } }
            }
        }
        #expect(sent.ids.withLock { $0 } == places.map { UInt16($0) })
    }
}

private final class Sent: Sendable {
    let ids = Mutex<[UInt16]>([])
}
