/// What a profile runs, read from its files: shown in the catalog and to reviewers.
public struct ProfileSummary: Codable, Sendable, Equatable {
    public var tradingMode: String
    /// Activated evaluators, in file order.
    public var evaluators: [String]
    /// Enabled exchanges, in profile order; the first is the default.
    public var exchanges: [String]
    /// Pairs of enabled currencies, in profile order, without repeats.
    public var pairs: [String]
    public var referenceMarket: String

    public init(tradingMode: String, evaluators: [String], exchanges: [String], pairs: [String], referenceMarket: String) {
        self.tradingMode = tradingMode
        self.evaluators = evaluators
        self.exchanges = exchanges
        self.pairs = pairs
        self.referenceMarket = referenceMarket
    }
}
