import Foundation

/// Keyset cursors carry timestamps as whole microseconds, PostgreSQL's own precision, so a page
/// starts exactly after the last row of the previous one (a millisecond cursor repeats or skips
/// rows within one millisecond). Queries turn them back into `timestamptz` exactly with
/// `'epoch'::timestamptz + $n * interval '1 microsecond'`.
public enum Microseconds {
    /// The range a cursor may carry: 1970 to the end of year 9999, PostgreSQL's own limits being
    /// wider but a value outside this never came from a row.
    public static let cursorRange: ClosedRange<Int64> = 0...253_402_300_799_999_999

    public static func since1970(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
