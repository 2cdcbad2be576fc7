import Crypto
import Foundation

/// One immutable step of the schema history. Once released, a migration's statements never change:
/// the migrator stores a checksum and refuses to run against a database whose history differs.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// Executed in order inside one transaction. Separate strings because PostgreSQL's extended
    /// query protocol runs one statement per query.
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    public var checksum: String {
        let digest = SHA256.hash(data: Data(statements.joined(separator: "\n;\n").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
