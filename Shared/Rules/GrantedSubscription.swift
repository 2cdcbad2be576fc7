import Foundation

/// A subscription an admin grants (API and CLI alike): how long it may last, and when it ends.
public enum GrantedSubscription {
    /// About ten years: longer is a mistake, not a grant.
    public static let days = 1...3660

    public static func endsAt(afterDays days: Int, from now: Date) -> Date {
        now.addingTimeInterval(Double(days) * secondsPerDay)
    }

    private static let secondsPerDay: TimeInterval = 86_400
}
