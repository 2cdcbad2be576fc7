import Foundation
import Logging

/// What every service test starts from, so each service's harness only adds its own parts: a
/// database of the test's own, a broker (the shared one, or a virtual host of the test's own
/// when its consumers must receive the events it emits: the work queues have fixed names),
/// accounts that sign access tokens, and the environment every service reads.
public struct ServiceTestBed: Sendable {
    public let database: TestDatabase
    public let amqpURL: String
    public let accounts = TestAccounts()

    /// A quiet logger for a harness's own database calls.
    public static let logger: Logger = {
        var logger = Logger(label: "test-harness")
        logger.logLevel = .warning
        return logger
    }()

    public static func make(isolatedBroker: Bool = false, migrated: Bool = true) async throws -> ServiceTestBed {
        ServiceTestBed(
            database: try await TestDatabase.create(migrated: migrated),
            amqpURL: isolatedBroker ? try await TestBroker.isolatedURL() : try TestBroker.url()
        )
    }

    /// The variables every service reads (its database, the broker, the accounts' public key, a
    /// quiet log), with `extra` added or replacing them.
    public func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["DATABASE_URL": database.url, "AMQP_URL": amqpURL, "JWT_PUBLIC_KEY": accounts.publicKeyPEM, "LOG_LEVEL": "warning"]
            .merging(extra) { $1 }
    }

    /// A user in the database and an access token for them issued at `date`, as accounts would
    /// issue it; the account may be older (`accountCreatedAt`).
    public func user(_ name: String, admin: Bool = false, at date: Date, accountCreatedAt: Date? = nil) async throws -> TestUser {
        try await accounts.user(name, admin: admin, in: database, at: date, accountCreatedAt: accountCreatedAt)
    }
}
