import ExactJSON

/// The member names of a strategy and of its `pendingChanges`, for the few checks that a member
/// is left out: API.md leaves `pendingChanges` (and, inside it, `rejectionReason`) out rather than
/// null, and an optional in `StrategyBody` takes a missing member and a null one alike.
public struct StrategyMembers: Decodable, Sendable {
    public let names: Set<String>
    /// Those of `pendingChanges`, when it is an object.
    public let pendingChanges: Set<String>?

    public init(from decoder: any Decoder) throws {
        let strategy = try JSONObject(from: decoder)
        names = Set(strategy.keys)
        pendingChanges = strategy["pendingChanges"]?.objectValue.map { Set($0.keys) }
    }
}
