import Foundation
import Logging
import Models
import PostgresNIO

/// Access to the `login_failures` table: the memory behind login throttling. Kept in the
/// database rather than in a process so that every accounts replica enforces the same limits.
public protocol LoginFailureRepository: Sendable {
    func record(email: String, clientAddress: String, at: Date) async throws
    /// The `limit`-th most recent failure for the email (and for the address) since `since`:
    /// once that many failures exist, attempts are refused until it leaves the window.
    func nthMostRecentFailure(
        email: String, emailLimit: Int, clientAddress: String, addressLimit: Int, since: Date
    ) async throws -> (email: Date?, clientAddress: Date?)
    /// Forgets an email's failures after a successful login.
    func clear(email: String) async throws
    /// Drops failures too old to matter to any window.
    func prune(before: Date) async throws
}

public struct PostgresLoginFailureRepository: LoginFailureRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func record(email: String, clientAddress: String, at date: Date) async throws {
        try await client.query(
            "INSERT INTO login_failures (email, client_address, failed_at) VALUES (\(email), \(clientAddress), \(date))",
            logger: logger
        )
    }

    public func nthMostRecentFailure(
        email: String, emailLimit: Int, clientAddress: String, addressLimit: Int, since: Date
    ) async throws -> (email: Date?, clientAddress: Date?) {
        let rows = try await client.query(
            """
            SELECT
              (SELECT failed_at FROM login_failures WHERE email = \(email) AND failed_at > \(since)
               ORDER BY failed_at DESC OFFSET \(emailLimit - 1) LIMIT 1),
              (SELECT failed_at FROM login_failures WHERE client_address = \(clientAddress) AND failed_at > \(since)
               ORDER BY failed_at DESC OFFSET \(addressLimit - 1) LIMIT 1)
            """,
            logger: logger
        )
        for try await (byEmail, byAddress) in rows.decode((Date?, Date?).self) {
            return (byEmail, byAddress)
        }
        return (nil, nil)
    }

    public func clear(email: String) async throws {
        try await client.query("DELETE FROM login_failures WHERE email = \(email)", logger: logger)
    }

    public func prune(before date: Date) async throws {
        try await client.query("DELETE FROM login_failures WHERE failed_at < \(date)", logger: logger)
    }
}
