import Foundation
import Logging
import Models
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceKit
import Testing

@testable import SignalRelay

/// While the database does not answer, an emit is told so within its deadline (503 over HTTP,
/// no PUBACK over MQTT) and does not use up the author's rate.
@Suite("Emits while the log cannot be written", .timeLimit(.minutes(2)))
struct EmitOutageTests {
    @Test("a database that accepts connections and never answers: each emit is `unavailable` by its deadline, and takes no token")
    func silentDatabase() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { _ in MultiThreadedEventLoopGroup.singleton.next().makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let client = PostgresClient(
            configuration: .init(host: "127.0.0.1", port: port, username: "astrolab", password: nil, database: "astrolab", tls: .disable),
            backgroundLogger: RelayHarness.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // A burst of one token that never refills: a second emit could only pass if the first gave its token back.
            let ingest = SignalIngest(
                database: client, logger: RelayHarness.logger, limiter: EmitRateLimiter(ratePerSecond: 0.000_001, burst: 1),
                clock: SystemWallClock(), commitTimeout: .milliseconds(200)
            )
            for attempt in 1...3 {
                let outcome = try await ingest.ingest(RelayFlowTests.bundle("abcdefghij", orderId: "o-\(attempt)"), strategyId: "abcdefghij", by: ingest.deadline())
                guard case .unavailable = outcome else {
                    Issue.record("attempt \(attempt): \(outcome) instead of unavailable")
                    break
                }
            }
            group.cancelAll()
        }
        try await silent.close()
    }

    @Test("the deadline answers with the work when it is first, and with nothing when it is not")
    func deadline() async throws {
        #expect(try await Deadline(after: .seconds(60)).run { 42 } == 42)
        let never = try await Deadline(after: .milliseconds(20)).run { () async throws -> Int in
            // Ignores cancellation, as a query on a dead socket may.
            await Task.detached { try? await Task.sleep(for: .seconds(2)) }.value
            return 1
        }
        #expect(never == nil)
        await #expect(throws: CancellationError.self) { try await Deadline(after: .seconds(60)).run { () async throws -> Int in throw CancellationError() } }
    }
}
