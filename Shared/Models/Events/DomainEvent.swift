import Foundation

/// A domain event's payload (the envelope's `data`). `type` is also the routing key on the
/// events exchange; `version` rises when a payload changes incompatibly, so an old consumer
/// refuses a newer event instead of misreading it.
public protocol DomainEvent: Codable, Sendable, Equatable {
    static var type: String { get }
    static var version: Int { get }
}

extension DomainEvent {
    public static var version: Int { 1 }
}
