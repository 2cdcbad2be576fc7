import APIShapes

/// What the pages ask of a strategy beyond its members.
extension StrategyBody {
    /// Moderation took it down (`rejectionReason` says why): final.
    var isTakenDown: Bool { status == "taken_down" }

    /// Edits of a published strategy wait for review (or were rejected, with their reason).
    /// API.md sends `pendingChanges` only then: an edit that changes nothing is not stored.
    var hasPendingChanges: Bool { pendingChanges != nil }
}
