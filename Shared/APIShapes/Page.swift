/// A page of a list endpoint: its items and, when there are more, the cursor of the next page (null on the last).
public struct Page<Item: Decodable & Sendable>: Decodable, Sendable {
    public let items: [Item]
    /// Always sent: a page without it is not the last one, it is broken.
    @AlwaysPresent public var nextCursor: String?
}
