import Foundation

/// The one place the pages turn the API's timestamps (RFC 3339 UTC strings, as the shared shapes
/// keep them) into what they show: a day (`2026-12-01`) or the instant in ISO 8601 UTC.
enum DisplayDate {
    static func day(_ timestamp: String) -> String {
        date(timestamp)?.formatted(Date.ISO8601FormatStyle().year().month().day()) ?? timestamp
    }

    static func instant(_ timestamp: String) -> String {
        date(timestamp)?.formatted(Date.ISO8601FormatStyle()) ?? timestamp
    }

    /// Read as `JSONDecoder`'s `.iso8601` reads dates, so a page shows what it showed when the
    /// pages decoded `Date`s. A timestamp it cannot read is shown as the API sent it: one odd date
    /// should not cost the user the whole page.
    private static func date(_ timestamp: String) -> Date? {
        try? Date(timestamp, strategy: .iso8601)
    }
}
