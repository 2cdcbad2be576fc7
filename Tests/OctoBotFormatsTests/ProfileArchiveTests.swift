import ExactJSON
import Foundation
import OctoBotFormats
import Testing
import TestSupport

@Suite("Validating OctoBot profile exports")
struct ProfileArchiveTests {
    static let validProfileJSON = """
        {"profile": {"id": "p1", "name": "P", "avatar": null},
         "config": {"crypto-currencies": {"Bitcoin": {"enabled": true, "pairs": ["BTC/USDT"]}},
                    "exchanges": {"binance": {"enabled": true}},
                    "trader": {"enabled": false},
                    "trader-simulator": {"enabled": true, "fees": {"maker": 0.1, "taker": 0.1}, "starting-portfolio": {"USDT": 1000}},
                    "trading": {"reference-market": "USDT", "risk": 0.5}}}
        """
    static let tentacles = #"{"tentacle_activation": {"Trading": {"DailyTradingMode": true}}}"#

    func rejected(_ zip: [UInt8]) throws -> [ArchiveProblem] {
        try #require(throws: ArchiveRejected.self) { try ProfileArchive.validate(zip: zip) }.problems
    }

    @Test("every fixture profile, zipped as OctoBot exports it, is accepted", arguments: OctoBotFixtures.profileNames)
    func fixtures(name: String) throws {
        let profile = try ProfileArchive.validate(zip: try TestZips.profile(name))
        #expect(!profile.summary.tradingMode.isEmpty)
        #expect(profile.summary.exchanges == ["binance"])
        #expect(profile.summary.referenceMarket == "USDT")
        #expect(!profile.summary.pairs.isEmpty)
        #expect(profile.files.contains { $0.path == "profile.json" })
        // Normalising is stable: the stored zip validates to itself.
        #expect(try ProfileArchive.validate(zip: profile.zip).zip == profile.zip)
    }

    @Test("the daily trading export is summarised exactly")
    func dailyTradingExport() throws {
        let profile = try ProfileArchive.validate(zip: try OctoBotFixtures.data("exports/daily_trading_export.zip"))
        #expect(
            profile.summary
                == ProfileSummary(
                    tradingMode: "DailyTradingMode",
                    evaluators: ["DoubleMovingAverageTrendEvaluator", "RSIMomentumEvaluator", "SimpleStrategyEvaluator"],
                    exchanges: ["binance"], pairs: ["BTC/USDT"], referenceMarket: "USDT"
                )
        )
        #expect(profile.warnings.isEmpty, "\(profile.warnings)")
        #expect(Set(profile.files.map(\.path)) == ["profile.json", "tentacles_config.json", "default_profile.png", "specific_config/SimpleStrategyEvaluator.json", "specific_config/DailyTradingMode.json"])
        let original = try OctoBotFixtures.data("profiles/daily_trading/default_profile.png")
        #expect(profile.files.first { $0.path == "default_profile.png" }?.bytes == original)
    }

    @Test("signal trading lists its evaluators and every pair once")
    func signalTrading() throws {
        let summary = try ProfileArchive.validate(zip: try TestZips.profile("signal_trading")).summary
        #expect(summary.tradingMode == "SignalTradingMode")
        #expect(summary.evaluators == ["KlingerOscillatorMomentumEvaluator", "MoveSignalsStrategyEvaluator", "InstantFluctuationsEvaluator", "BBMomentumEvaluator"])
        #expect(summary.pairs == ["BTC/USDT", "ETH/BTC", "ETH/USDT"])
    }

    @Test("a profile under one top folder is moved to the root, with a warning")
    func reroot() throws {
        let profile = try ProfileArchive.validate(zip: try TestZips.profile("daily_trading", under: "daily_trading/"))
        #expect(profile.files.allSatisfy { !$0.path.hasPrefix("daily_trading/") })
        #expect(profile.files.contains { $0.path == "profile.json" })
        #expect(profile.warnings.contains { $0.contains("moved to the zip root") })
    }

    @Test("disabled exchanges are removed and the rest keep their order")
    func disabledExchanges() throws {
        let json = Self.validProfileJSON.replacingOccurrences(
            of: #""exchanges": {"binance": {"enabled": true}}"#,
            with: #""exchanges": {"kucoin": {"enabled": true, "exchange-type": "spot"}, "binance": {"enabled": false}, "okx": {"enabled": true}}"#
        )
        let profile = try ProfileArchive.validate(zip: try TestZips.profile(files: ["profile.json": json, "tentacles_config.json": Self.tentacles]))
        #expect(profile.summary.exchanges == ["kucoin", "okx"])
        #expect(profile.warnings.contains { $0.contains("disabled exchanges were removed: binance") })
        let stored = try #require(profile.files.first { $0.path == "profile.json" })
        let reparsed = try JSONParser.parse(stored.bytes)
        #expect(reparsed["config"]?["exchanges"]?.objectValue?.keys == ["kucoin", "okx"])
        #expect(reparsed["config"]?["trader-simulator"]?["starting-portfolio"]?["USDT"] == .number("1000"))
    }

    @Test("a missing profile.json and an empty zip are refused")
    func missingProfile() throws {
        #expect(try rejected(TestZips.profile(files: ["tentacles_config.json": Self.tentacles])).map(\.path) == ["profile.json"])
        #expect(try rejected(TestZips.zip([])).map(\.message) == ["The zip holds no files."])
    }

    @Test("invalid JSON anywhere is reported with its file and position")
    func invalidJSON() throws {
        let problems = try rejected(
            TestZips.profile(files: [
                "profile.json": Self.validProfileJSON, "tentacles_config.json": Self.tentacles,
                "specific_config/DailyTradingMode.json": #"{"a": }"#,
            ])
        )
        #expect(problems.map(\.path) == ["specific_config/DailyTradingMode.json"])
        #expect(problems.first?.message.contains("line 1, column") == true)
    }

    @Test("schema violations: an unknown key in an exchange, a missing trader-simulator, a wrong type")
    func schema() throws {
        let json = Self.validProfileJSON
            .replacingOccurrences(of: #""binance": {"enabled": true}"#, with: #""binance": {"enabled": true, "sandboxed": true}"#)
            .replacingOccurrences(of: #""trader-simulator": {"enabled": true, "fees": {"maker": 0.1, "taker": 0.1}, "starting-portfolio": {"USDT": 1000}},"#, with: "")
            .replacingOccurrences(of: #""risk": 0.5"#, with: #""risk": "high""#)
        let messages = try rejected(TestZips.profile(files: ["profile.json": json, "tentacles_config.json": Self.tentacles])).map(\.message)
        #expect(messages.contains("config.exchanges.binance.sandboxed: is not allowed here"))
        #expect(messages.contains("config.trader-simulator: is required"))
        #expect(messages.contains("config.trading.risk: must be number, got string"))
    }

    /// `Profile.as_dict()` of a profile made in the bot (never imported, no slug or avatar yet).
    static let locallyMadeProfileBlock = """
        {"id": "0c1e7b52-8d3e-4bd6-9d53-5a0f3f6f2a55", "name": "My grid", "slug": null, "description": null,
         "avatar": null, "origin_url": null, "auto_update": false, "read_only": false, "imported": false,
         "complexity": 2, "risk": 2, "type": "live", "extra_backtesting_time_frames": []}
        """

    func profileJSON(profileBlock: String) -> String {
        Self.validProfileJSON.replacingOccurrences(of: #"{"id": "p1", "name": "P", "avatar": null}"#, with: profileBlock)
    }

    @Test("a locally made profile's null metadata (slug, description, avatar, origin_url) is accepted")
    func nullMetadata() throws {
        let json = profileJSON(profileBlock: Self.locallyMadeProfileBlock)
        let profile = try ProfileArchive.validate(zip: try TestZips.profile(files: ["profile.json": json, "tentacles_config.json": Self.tentacles]))
        #expect(profile.warnings.isEmpty, "\(profile.warnings)")
    }

    @Test("metadata the bot's importer cannot read is refused: null id or name, unknown complexity, risk or type")
    func metadataTheBotRefuses() throws {
        let block = Self.locallyMadeProfileBlock
            .replacingOccurrences(of: #""id": "0c1e7b52-8d3e-4bd6-9d53-5a0f3f6f2a55""#, with: #""id": null"#)
            .replacingOccurrences(of: #""name": "My grid""#, with: #""name": null"#)
            .replacingOccurrences(of: #""complexity": 2"#, with: #""complexity": 7"#)
            .replacingOccurrences(of: #""risk": 2"#, with: #""risk": null"#)
            .replacingOccurrences(of: #""type": "live""#, with: #""type": "paper""#)
        let messages = try rejected(TestZips.profile(files: ["profile.json": profileJSON(profileBlock: block), "tentacles_config.json": Self.tentacles])).map(\.message)
        #expect(messages.contains("profile.id: must be string, got null"))
        #expect(messages.contains("profile.name: must be string, got null"))
        #expect(messages.contains("profile.complexity: must be one of 1, 2, 3"))
        #expect(messages.contains("profile.risk: must be one of 1, 2, 3"))
        #expect(messages.contains(#"profile.type: must be one of "live", "backtesting""#))
    }

    @Test("an integer written with a fraction is the same enum value, as in Python")
    func enumNumbers() throws {
        let block = Self.locallyMadeProfileBlock.replacingOccurrences(of: #""complexity": 2"#, with: #""complexity": 3.0"#)
        let profile = try ProfileArchive.validate(zip: try TestZips.profile(files: ["profile.json": profileJSON(profileBlock: block), "tentacles_config.json": Self.tentacles]))
        #expect(profile.warnings.isEmpty, "\(profile.warnings)")
    }

    @Test("unknown keys elsewhere are kept with a warning; newer OctoBot keys are accepted silently")
    func unknownKeys() throws {
        let json = Self.validProfileJSON
            .replacingOccurrences(of: #""risk": 0.5}"#, with: #""risk": 0.5, "paused": false}, "distribution": "market_making", "future-key": 1"#)
            .replacingOccurrences(of: #""avatar": null"#, with: #""avatar": null, "hidden": false"#)
        let profile = try ProfileArchive.validate(zip: try TestZips.profile(files: ["profile.json": json, "tentacles_config.json": Self.tentacles]))
        #expect(profile.warnings == ["profile.json: config.future-key: is not a key OctoBot knows; it was kept"])
    }

    @Test("zero or two activated trading modes are refused")
    func tradingModes() throws {
        let two = #"{"tentacle_activation": {"Trading": {"DailyTradingMode": true, "GridTradingMode": true, "DCATradingMode": false}}}"#
        let none = #"{"tentacle_activation": {"Trading": {"DailyTradingMode": false}}}"#
        let twoProblems = try rejected(TestZips.profile(files: ["profile.json": Self.validProfileJSON, "tentacles_config.json": two]))
        #expect(twoProblems.map(\.message) == ["activates 2 trading modes (DailyTradingMode, GridTradingMode); exactly one must be activated"])
        #expect(try rejected(TestZips.profile(files: ["profile.json": Self.validProfileJSON, "tentacles_config.json": none])).map(\.path) == ["tentacles_config.json"])
        #expect(try rejected(TestZips.profile(files: ["profile.json": Self.validProfileJSON])).map(\.path) == ["tentacles_config.json"])
    }

    @Test("credentials anywhere are refused with a message saying keys must never be shared")
    func credentials() throws {
        let json = Self.validProfileJSON.replacingOccurrences(
            of: #""binance": {"enabled": true}"#, with: #""binance": {"enabled": true, "api-key": "abc", "api-secret": "def", "api-password": "ghi"}"#
        )
        let problems = try rejected(
            TestZips.profile(files: [
                "profile.json": json, "tentacles_config.json": Self.tentacles,
                "specific_config/TelegramService.json": #"{"chats": [{"apiKey": "x"}], "Private_Key": "y", "token_symbol": "BTC"}"#,
            ])
        )
        #expect(problems.count == 5, "\(problems)")
        #expect(problems.allSatisfy { $0.message.contains("must never be shared") && $0.kind == .credential })
        #expect(ArchiveRejected(problems).containsCredentials)
        #expect(Set(problems.map(\.path)) == ["profile.json", "specific_config/TelegramService.json"])
        #expect(problems.contains { $0.message.hasPrefix("config.exchanges.binance.api-key") })
        #expect(problems.contains { $0.message.hasPrefix("chats[0].apiKey") })
    }

    @Test("specific_config files must be JSON objects, flat in their folder")
    func specificConfig() throws {
        let problems = try rejected(
            TestZips.profile(files: [
                "profile.json": Self.validProfileJSON, "tentacles_config.json": Self.tentacles,
                "specific_config/A.json": "[1, 2]", "specific_config/sub/B.json": "{}", "specific_config/notes.txt": "hi",
            ])
        )
        #expect(Set(problems.map(\.path)) == ["specific_config/A.json", "specific_config/sub/B.json", "specific_config/notes.txt"])
    }

    @Test("every problem is reported together, zip-level and profile-level alike")
    func allTogether() throws {
        let json = Self.validProfileJSON.replacingOccurrences(of: #""binance": {"enabled": true}"#, with: #""binance": {"enabled": true, "api-key": "k"}"#)
        let problems = try rejected(
            TestZips.profile(files: ["profile.json": json, "tentacles_config.json": "{", "specific_config/X.json": "3"])
        )
        #expect(Set(problems.map(\.path)) == ["profile.json", "tentacles_config.json", "specific_config/X.json"])
    }

    @Test("an avatar named but absent and a missing id are warnings, not errors")
    func softProblems() throws {
        let json = Self.validProfileJSON.replacingOccurrences(of: #""id": "p1", "name": "P", "avatar": null"#, with: #""name": "P", "avatar": "logo.png""#)
        let profile = try ProfileArchive.validate(zip: try TestZips.profile(files: ["profile.json": json, "tentacles_config.json": Self.tentacles]))
        #expect(profile.warnings.count == 2)
        #expect(profile.warnings.contains { $0.contains("profile.id is missing") })
        #expect(profile.warnings.contains { $0.contains("logo.png") })
    }

    @Test("zip tools' junk is dropped with a warning")
    func junk() throws {
        let zip = try TestZips.profile(
            files: ["profile.json": Self.validProfileJSON, "tentacles_config.json": Self.tentacles, "__MACOSX/._profile.json": "x", ".DS_Store": "x"]
        )
        let profile = try ProfileArchive.validate(zip: zip)
        #expect(Set(profile.files.map(\.path)) == ["profile.json", "tentacles_config.json"])
        #expect(profile.warnings.contains { $0.contains("__MACOSX/._profile.json") })
    }
}
