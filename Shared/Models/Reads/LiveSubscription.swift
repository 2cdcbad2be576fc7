import Foundation
import PostgresNIO

extension PostgresQuery.StringInterpolation {
    /// The one SQL spelling of a subscription that gives access at `now`: active and not past
    /// its end. `Entitlements` (following) and `DownloadGrants` (downloading) both ask it, so
    /// the two cannot disagree about when a subscription's access ends. `now` is the caller's
    /// clock, not the database's, so that tests can move it.
    mutating func appendInterpolation(liveSubscription alias: String, at now: Date) {
        appendInterpolation(unescaped: "\(alias).status = 'active' AND (\(alias).ends_at IS NULL OR \(alias).ends_at > ")
        appendInterpolation(now)
        appendInterpolation(unescaped: ")")
    }
}
