import ExactJSON
import OctoBotFormats
import Testing
import TestSupport

@Suite("The follower profile of a signal strategy")
struct FollowerProfileTests {
    /// OctoBot's own profile schema (2.0.x), read from the fixture.
    static func octobotSchema() throws -> SchemaNode {
        try JSONSchemaDocument.node(from: try JSONParser.parse(try OctoBotFixtures.data("profile_schema.json")))
    }

    let follower = FollowerProfile(
        strategyId: "k3v9x2mq7d", name: "BTC dip hunter", description: "Buys dips.", exchange: "binance",
        pairs: ["BTC/USDT", "ETH/USDT", "BTC/USDC"], avatar: .init(fileName: "logo.png", bytes: [0x89, 0x50, 0x4E, 0x47])
    )

    @Test("unzips to files at the root that OctoBot's schema accepts")
    func validAgainstOctoBotSchema() throws {
        let zip = try follower.zip()
        let files = try SafeZipReader.files(in: zip, limits: .profileUpload)
        #expect(files.map(\.path) == ["profile.json", "tentacles_config.json", "specific_config/RemoteTradingSignalsTradingMode.json", "logo.png"])
        let profileJSON = try JSONParser.parse(try #require(files.first { $0.path == "profile.json" }).bytes)
        let issues = SchemaValidator.validate(profileJSON, against: try Self.octobotSchema())
        #expect(issues.isEmpty, "\(issues)")
        #expect(profileJSON["profile"]?["avatar"]?.stringValue == "logo.png")
        #expect(profileJSON["config"]?["trader"]?["enabled"] == .bool(false))
        #expect(profileJSON["config"]?["trader-simulator"]?["enabled"] == .bool(true))
        #expect(profileJSON["config"]?["trading"]?["reference-market"]?.stringValue == "USDT")
        #expect(profileJSON["config"]?["crypto-currencies"]?["BTC"]?["pairs"] == ["BTC/USDT", "BTC/USDC"])
        #expect(profileJSON["config"]?["exchanges"]?.objectValue?.keys == ["binance"])
    }

    @Test("runs RemoteTradingSignalsTradingMode on the strategy identifier, and passes Astrolab's own upload checks")
    func remoteSignalsMode() throws {
        let files = try SafeZipReader.files(in: try follower.zip(), limits: .profileUpload)
        let specific = try JSONParser.parse(try #require(files.first { $0.path == "specific_config/RemoteTradingSignalsTradingMode.json" }).bytes)
        #expect(specific["trading_strategy"]?.stringValue == "k3v9x2mq7d")
        #expect(specific["max_volume"] == .number("50"))
        #expect(specific["required_strategies"] == .array([]))
        let validated = try ProfileArchive.validate(zip: try follower.zip())
        #expect(validated.summary == ProfileSummary(tradingMode: "RemoteTradingSignalsTradingMode", evaluators: [], exchanges: ["binance"], pairs: ["BTC/USDT", "BTC/USDC", "ETH/USDT"], referenceMarket: "USDT"))
        #expect(validated.warnings.isEmpty, "\(validated.warnings)")
    }

    @Test("futures pairs make a futures exchange and their settlement currency the reference market")
    func futures() throws {
        let futures = FollowerProfile(strategyId: "fut1", name: "F", description: "", exchange: "bybit", pairs: ["BTC/USDT:USDT"], avatar: nil)
        let profileJSON = try JSONParser.parse(try #require(futures.files.first { $0.path == "profile.json" }).bytes)
        #expect(profileJSON["config"]?["exchanges"]?["bybit"]?["exchange-type"] == "future")
        #expect(profileJSON["config"]?["trading"]?["reference-market"] == "USDT")
        #expect(profileJSON["profile"]?["avatar"] == .null)
        #expect(SchemaValidator.validate(profileJSON, against: try FollowerProfileTests.octobotSchema()).isEmpty)
    }

    @Test("the same strategy always gives the same bytes, so downloads have a stable ETag")
    func deterministic() throws {
        #expect(try follower.zip() == follower.zip())
    }

    @Test("OctoBot's schema, as read here, does refuse what it should (the check can fail)")
    func schemaCanFail() throws {
        let schema = try Self.octobotSchema()
        let broken: JSON = ["config": ["crypto-currencies": [:], "exchanges": ["binance": ["enabled": true, "api-key": "x"]], "trading": ["reference-market": "USDT", "risk": 2], "trader": ["enabled": true]]]
        let paths = Set(SchemaValidator.validate(broken, against: schema).map(\.path))
        #expect(paths == ["config.trader-simulator", "config.exchanges.binance.api-key", "config.trading.risk"])
    }
}
