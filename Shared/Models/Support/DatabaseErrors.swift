import PostgresNIO

extension PSQLError {
    /// True when the statement broke a UNIQUE constraint (SQLSTATE 23505).
    public var isUniqueViolation: Bool {
        serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw
    }
}

/// A row that breaks what its table promises (an unknown status, a row gone inside its own
/// transaction): a bug or a hand edit, reported rather than guessed around.
package struct CorruptRow: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) {
        self.description = description
    }
}
