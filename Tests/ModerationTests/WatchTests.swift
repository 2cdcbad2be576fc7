import EventBus
import Foundation
import Logging
import Messaging
import Models
import Synchronization
import TestSupport
import Testing

@testable import AstrolabAdmin

@Suite("astrolab-admin moderation watch", .timeLimit(.minutes(3)))
struct WatchTests {
    @Test("run after the events happened, it prints each of them once, in order; a second run prints nothing")
    func catchesUp() async throws {
        let url = try await TestBroker.isolatedURL()
        let logger = ModerationHarness.logger
        // The moderation service's relay publishes like this; `Topology.astrolab` declares admin.moderation.
        let emitter = AMQPConnection(name: "test-emitter", configuration: try AMQPConfiguration(url: url), topology: .astrolab, logger: logger)
        let caseIds = (0..<5).map { _ in UUID() }
        try await withServices([emitter], logger: logger) {
            for (index, caseId) in caseIds.enumerated() {
                let event: any DomainEvent = switch index % 3 {
                case 0: ModerationCaseOpened(caseId: caseId, strategyId: "strat0001", subject: .version, version: index)
                case 1: ModerationCaseApproved(caseId: caseId, strategyId: "strat0001", subject: .version, version: index, moderatorId: UUID(), note: "ok")
                default: ModerationCaseRejected(caseId: caseId, strategyId: "strat0001", subject: .version, version: index, moderatorId: UUID(), reason: "unsafe")
                }
                let message = try OutboxMessage(event, occurredAt: Date())
                try await emitter.publish(
                    OutgoingMessage(exchange: message.exchange, routingKey: message.routingKey, body: message.body, messageId: message.messageId, type: message.type)
                )
            }
            // Not a moderation event: the queue is bound to moderation.* only.
            let other = try OutboxMessage(StrategyPublished(strategyId: "strat0001", version: 1), occurredAt: Date())
            try await emitter.publish(
                OutgoingMessage(exchange: other.exchange, routingKey: other.routingKey, body: other.body, messageId: other.messageId, type: other.type, mandatory: false)
            )
        }

        func watch(format: ModerationWatcher.Format) async throws -> [String] {
            let connection = AMQPConnection(name: "watch", configuration: try AMQPConfiguration(url: url), topology: .astrolab, logger: logger)
            let lines = Mutex<[String]>([])
            try await withServices([connection], logger: logger) {
                let watcher = ModerationWatcher(connection: connection, format: format, idleExit: .seconds(2))
                await watcher.run { line in lines.withLock { $0.append(line) } }
            }
            return lines.withLock { $0 }
        }

        let printed = try await watch(format: .text)
        #expect(printed.count == 5, "\(printed)")
        for (line, caseId) in zip(printed, caseIds) {
            #expect(line.contains(caseId.uuidString.lowercased()), "\(line)")
        }
        #expect(printed[0].contains("case opened") && printed[1].contains("case approved") && printed[2].contains("reason: unsafe"))
        #expect(try await watch(format: .json).isEmpty, "everything was acked by the first run")
    }

    @Test("--json prints each envelope as one line")
    func jsonLines() throws {
        let message = try OutboxMessage(ModerationCaseOpened(caseId: UUID(), strategyId: "strat0001", subject: .listing, version: nil), occurredAt: Date())
        let line = ModerationEventLine.render(message.body, format: .json)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "moderation.case_opened")
        #expect(ModerationEventLine.render(Array("junk".utf8), format: .text).hasPrefix("unreadable message"))
    }
}
