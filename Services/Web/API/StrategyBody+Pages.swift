import APIShapes

/// What the pages ask of a strategy beyond its members.
extension StrategyBody {
    /// Moderation took it down (`rejectionReason` says why): final.
    var isTakenDown: Bool { status == "taken_down" }

    /// Edits of a published strategy wait for review (or were rejected, with their reason): the
    /// API sends `pendingChanges` only then, and only the members that are set.
    var hasPendingChanges: Bool {
        guard let changes = pendingChanges else { return false }
        return changes.name != nil || changes.description != nil || changes.exchange != nil || changes.pairs != nil || changes.rejectionReason != nil
    }
}
