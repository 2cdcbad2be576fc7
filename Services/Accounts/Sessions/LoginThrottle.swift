import AccountsStore
import Foundation
import Models
import ServiceKit

/// API.md: after 10 failed logins for one email within 15 minutes, or 100 from one client
/// address, attempts get 429 until the window has passed.
struct LoginThrottlePolicy: Sendable {
    var maxFailuresPerEmail: Int
    var maxFailuresPerAddress: Int
    var window: TimeInterval
}

/// Enforces `LoginThrottlePolicy` from the failures recorded in the database.
struct LoginThrottle: Sendable {
    let failures: any LoginFailureRepository
    let policy: LoginThrottlePolicy
    let clock: any WallClock

    /// Throws 429 with `Retry-After` while either limit is reached. Refused attempts are not
    /// recorded, so the lock lifts exactly when the oldest counted failure leaves the window.
    func checkAllowed(email: String, clientAddress: String) async throws {
        let now = clock.now()
        let (byEmail, byAddress) = try await failures.nthMostRecentFailure(
            email: email, emailLimit: policy.maxFailuresPerEmail,
            clientAddress: clientAddress, addressLimit: policy.maxFailuresPerAddress,
            since: now.addingTimeInterval(-policy.window)
        )
        guard let oldestCounted = [byEmail, byAddress].compactMap({ $0 }).max() else { return }
        let releasedAt = oldestCounted.addingTimeInterval(policy.window)
        throw ProblemDetails.tooManyRequests(
            retryAfterSeconds: Int(releasedAt.timeIntervalSince(now).rounded(.up)),
            detail: "Too many failed logins; try again later."
        ).coded("over_request_rate_limit")
    }

    func recordFailure(email: String, clientAddress: String) async throws {
        let now = clock.now()
        try await failures.record(email: email, clientAddress: clientAddress, at: now)
        try await failures.prune(before: now.addingTimeInterval(-policy.window))
    }

    func recordSuccess(email: String) async throws {
        try await failures.clear(email: email)
    }
}
