import PostgresNIO

extension PSQLError {
    /// True when the statement broke a UNIQUE constraint (SQLSTATE 23505).
    public var isUniqueViolation: Bool {
        serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw
    }
}
