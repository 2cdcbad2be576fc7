import Foundation
import Logging
import Models
import PostgresNIO
import TestSupport
import Testing

@Suite("Outbox and inbox tables")
struct OutboxTests {
    let logger = TestDatabase.logger

    @Test("two relays claiming at once never get the same rows")
    func skipLocked() async throws {
        let database = try await TestDatabase.create()
        try await database.withClient { client in
            try await client.withTransaction(logger: logger) { connection in
                for n in 0..<10 {
                    try await Outbox.enqueue(
                        OutboxMessage(messageId: "m\(n)", exchange: ExchangeNames.events, routingKey: "k", type: nil, body: [UInt8(n)]),
                        on: connection, logger: logger
                    )
                }
            }
            // The first claim holds its rows (transaction open) while the second claims.
            try await client.withTransaction(logger: logger) { first in
                let a = try await Outbox.claimUnsent(limit: 6, on: first, logger: logger)
                let b = try await client.withTransaction(logger: logger) { second in
                    try await Outbox.claimUnsent(limit: 6, on: second, logger: logger)
                }
                #expect(a.count == 6)
                #expect(b.count == 4)
                #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
                #expect(a.first?.message.body == [0])
                try await Outbox.markSent(ids: a.map(\.id), on: first, logger: logger)
            }
        }
        #expect(try await database.count("SELECT count(*)::int FROM outbox WHERE sent_at IS NULL") == 4)
    }

    @Test("pruning removes only delivered messages older than the retention")
    func pruning() async throws {
        let database = try await TestDatabase.create()
        try await database.withClient { client in
            try await client.query(
                """
                INSERT INTO outbox (message_id, exchange, routing_key, body, sent_at) VALUES
                  ('old-sent', 'e', 'k', '\\x00', now() - interval '8 days'),
                  ('new-sent', 'e', 'k', '\\x00', now()),
                  ('unsent', 'e', 'k', '\\x00', NULL)
                """,
                logger: logger
            )
            try await client.query(
                "INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('c', 'old', now() - interval '8 days'), ('c', 'new', now())",
                logger: logger
            )
            let cutoff = Date().addingTimeInterval(-7 * 24 * 3600)
            #expect(try await Outbox.pruneSent(before: cutoff, client: client, logger: logger) == 1)
            #expect(try await Inbox.prune(before: cutoff, client: client, logger: logger) == 1)
        }
        #expect(try await database.count("SELECT count(*)::int FROM outbox") == 2)
        #expect(try await database.count("SELECT count(*)::int FROM inbox") == 1)
    }

    @Test("an inbox claim is one per consumer and message")
    func inboxClaims() async throws {
        let database = try await TestDatabase.create()
        let logger = self.logger
        let claims = try await database.withClient { client in
            try await client.withConnection { connection -> [Bool] in
                [
                    try await Inbox.claim(consumer: "a", messageId: "m", on: connection, logger: logger),
                    try await Inbox.claim(consumer: "a", messageId: "m", on: connection, logger: logger),
                    try await Inbox.claim(consumer: "b", messageId: "m", on: connection, logger: logger),
                ]
            }
        }
        #expect(claims == [true, false, true])
    }
}
