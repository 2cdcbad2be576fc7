import Foundation

/// The current time, injected so that time-based policies (token expiry, login throttling)
/// are tested by moving a clock rather than by sleeping.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
