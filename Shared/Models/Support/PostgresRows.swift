import PostgresNIO

extension PostgresRowSequence {
    /// Whether the statement returned any row (e.g. `UPDATE … RETURNING` matched something).
    public func containsRows() async throws -> Bool {
        for try await _ in self { return true }
        return false
    }
}
