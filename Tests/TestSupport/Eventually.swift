/// Why `eventually` gave up.
public struct NeverHappened: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// Polls `condition` until it holds. The limit only bounds how long a broken build hangs; it is
/// generous on purpose and asserts nothing about speed.
public func eventually(
    _ what: String, within limit: Duration = .seconds(180), every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw NeverHappened(description: "gave up waiting for: \(what)")
}

/// Runs `body`, failing instead of hanging if it takes longer than `limit` (a generous bound on
/// a broken build, not a speed assertion). `body` must react to cancellation.
public func withTimeout<Result: Sendable>(
    _ what: String, _ limit: Duration = .seconds(120), _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw NeverHappened(description: "gave up waiting for: \(what)")
        }
        return result
    }
}
