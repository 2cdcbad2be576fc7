import Hummingbird

/// The envelope of every list: `{"items": [...], "nextCursor": string|null}` (the null is explicit).
public struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    public let items: [Item]
    @NullWhenAbsent public var nextCursor: String?

    public init(items: [Item], nextCursor: String? = nil) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
