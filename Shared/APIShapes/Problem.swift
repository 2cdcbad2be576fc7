/// An error body (RFC 9457 problem+json) as API.md §Conventions describes it, written here from
/// the document rather than borrowed from the services: a test that decodes it checks the
/// contract, and a client reads the same members the contract promises.
public struct Problem: Decodable, Sendable {
    /// One member a 422 names: `field` for a request member, `path` for a place inside a profile or a signal.
    public struct FieldError: Decodable, Sendable {
        public let field: String?
        public let path: String?
        public let message: String
    }

    public let type: String
    public let title: String
    public let status: Int
    public let detail: String
    public let errors: [FieldError]?
}
