import Logging
import Messaging
import PostgresNIO

/// One dependency a service needs before it can serve traffic.
public struct ReadinessCheck: Sendable {
    public let name: String
    let probe: @Sendable () async throws -> Void

    public init(name: String, probe: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.probe = probe
    }

    /// Ready when the database answers a trivial query.
    public static func database(_ client: PostgresClient, logger: Logger) -> ReadinessCheck {
        ReadinessCheck(name: "database") {
            try await client.query("SELECT 1", logger: logger)
        }
    }

    /// Ready when the broker connection is up (it reconnects by itself when it is not).
    public static func broker(_ connection: AMQPConnection) -> ReadinessCheck {
        ReadinessCheck(name: "broker") {
            guard connection.isConnected else { throw AMQPError.connectionLost("not connected") }
        }
    }

    /// Runs the probe, giving up after `timeout` so a hung dependency reads as "not ready"
    /// instead of hanging the orchestrator's health check.
    func run(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await probe()
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
