import ExactJSON

/// The profile a follower imports to copy a signal strategy (OCTOBOT.md §1 "Follower profile"):
/// OctoBot's `RemoteTradingSignalsTradingMode` set to the strategy identifier, the strategy's
/// pairs and default exchange, the simulator on and the real trader off, so a newcomer's first
/// run risks nothing. The `copy_trading` profile OctoBot ships has the same shape.
public struct FollowerProfile: Sendable {
    public struct Avatar: Sendable {
        /// The file name inside the zip, e.g. `logo.png`.
        public let fileName: String
        public let bytes: [UInt8]

        public init(fileName: String, bytes: [UInt8]) {
            self.fileName = fileName
            self.bytes = bytes
        }
    }

    public static let tradingMode = "RemoteTradingSignalsTradingMode"

    public let strategyId: String
    public let name: String
    public let description: String
    public let exchange: String
    public let pairs: [String]
    public let avatar: Avatar?

    public init(strategyId: String, name: String, description: String, exchange: String, pairs: [String], avatar: Avatar?) {
        self.strategyId = strategyId
        self.name = name
        self.description = description
        self.exchange = exchange
        self.pairs = pairs
        self.avatar = avatar
    }

    /// The quote currency of the first pair (`BTC/USDT:USDT` → `USDT`): what the simulator holds.
    public var referenceMarket: String {
        guard let pair = pairs.first, let slash = pair.firstIndex(of: "/") else { return "USDT" }
        let quote = pair[pair.index(after: slash)...].prefix { $0 != ":" }
        return quote.isEmpty ? "USDT" : String(quote)
    }

    /// Futures symbols (`BTC/USDT:USDT`) need a futures exchange: followers copy only orders of
    /// the same exchange type.
    var exchangeType: String {
        pairs.contains { $0.contains(":") } ? "future" : "spot"
    }

    public var files: [ArchiveFile] {
        var files = [
            ArchiveFile(path: "profile.json", bytes: JSONWriter.bytes(profileJSON, pretty: true)),
            ArchiveFile(
                path: "tentacles_config.json",
                bytes: JSONWriter.bytes(["tentacle_activation": ["Trading": [Self.tradingMode: true]]], pretty: true)
            ),
            ArchiveFile(
                path: "specific_config/\(Self.tradingMode).json",
                bytes: JSONWriter.bytes(
                    [
                        "trading_strategy": .string(strategyId),
                        "max_volume": 50,
                        "required_strategies": [],
                        "round_to_minimal_size_if_necessary": true,
                    ],
                    pretty: true
                )
            ),
        ]
        if let avatar { files.append(ArchiveFile(path: avatar.fileName, bytes: avatar.bytes)) }
        return files
    }

    public func zip() throws(ZipBuilder.Failure) -> [UInt8] {
        try ZipBuilder.zip(files)
    }

    var profileJSON: JSON {
        [
            "profile": [
                "id": .string("astrolab-\(strategyId)"),
                "name": .string(name),
                "description": .string(description),
                "avatar": avatar.map { .string($0.fileName) } ?? .null,
                "complexity": 1,
                "risk": 2,
                "type": "live",
                "read_only": false,
            ],
            "config": [
                "crypto-currencies": .object(currencies),
                "exchanges": .object([exchange: ["enabled": true, "exchange-type": .string(exchangeType)]]),
                "trader": ["enabled": false, "load-trade-history": false],
                "trader-simulator": [
                    "enabled": true,
                    "fees": ["maker": .number("0.1"), "taker": .number("0.1")],
                    "starting-portfolio": .object(JSONObject([(referenceMarket, 1000)])),
                ],
                "trading": ["reference-market": .string(referenceMarket), "risk": .number("0.5")],
            ],
        ]
    }

    /// Pairs grouped by base currency, in the order they were given.
    private var currencies: JSONObject {
        var object = JSONObject()
        for pair in pairs {
            let base = String(pair.prefix { $0 != "/" })
            let existing = object[base]?["pairs"]?.arrayValue ?? []
            object.set(base, ["enabled": true, "pairs": .array(existing + [.string(pair)])])
        }
        return object
    }
}
