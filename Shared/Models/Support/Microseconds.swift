import Foundation

/// Keyset cursors carry timestamps as whole microseconds, PostgreSQL's own precision, so a page
/// starts exactly after the last row of the previous one (a millisecond cursor repeats or skips
/// rows within one millisecond). Queries turn them back into `timestamptz` exactly with
/// `'epoch'::timestamptz + $n * interval '1 microsecond'`.
public enum Microseconds {
    /// Years 1 to 9999. A cursor position outside them (a token made by hand) pages exactly as
    /// the nearest end would, since no row lies beyond either, and stays within what PostgreSQL
    /// can compute without overflowing.
    public static let rowRange: ClosedRange<Int64> = -62_135_596_800_000_000...253_402_300_799_999_999

    public static func clampedToRows(_ value: Int64) -> Int64 {
        min(max(value, rowRange.lowerBound), rowRange.upperBound)
    }

    public static func since1970(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
