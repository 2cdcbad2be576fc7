/// Why `eventually` gave up.
public struct NeverHappened: Error, CustomStringConvertible {
    public let description: String
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
