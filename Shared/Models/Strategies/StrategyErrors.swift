import Foundation

// The strategy errors every service's problem+json mapping knows (ServiceKit's `ProblemMiddleware`).

/// A change to a strategy that does not exist.
public struct StrategyNotFound: Error, CustomStringConvertible {
    public let id: String

    public init(id: String) {
        self.id = id
    }

    public var description: String { "no strategy \(id)" }
}

/// A change refused because moderation took the strategy down: that is final.
public struct StrategyFrozen: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "Moderation took this strategy down; it can no longer be changed or submitted." }
}
