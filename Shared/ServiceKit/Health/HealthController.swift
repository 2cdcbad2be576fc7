import Hummingbird

/// `/health/live` (the process answers) and `/health/ready` (its dependencies answer).
public struct HealthController: Sendable {
    let checks: [ReadinessCheck]
    let timeout: Duration

    public init(checks: [ReadinessCheck], timeout: Duration = .seconds(2)) {
        self.checks = checks
        self.timeout = timeout
    }

    struct Status: ResponseEncodable {
        let status: String
        let checks: [String: String]
    }

    public func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in
            Status(status: "live", checks: [:])
        }
        router.get("/health/ready") { _, _ in
            try await self.readiness()
        }
    }

    func readiness() async throws -> Status {
        var results: [String: String] = [:]
        for check in checks {
            results[check.name] = await check.run(timeout: timeout) ? "ok" : "failing"
        }
        let failing = results.filter { $0.value != "ok" }.keys.sorted()
        guard failing.isEmpty else {
            throw ProblemDetails(
                .serviceUnavailable, type: "/problems/not-ready",
                detail: "Not ready: \(failing.joined(separator: ", ")) not answering.",
                errors: failing.map { .init(field: $0, message: "not answering") }
            )
        }
        return Status(status: "ready", checks: results)
    }
}
