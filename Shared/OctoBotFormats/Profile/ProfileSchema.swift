import ExactJSON

/// What Astrolab accepts in `profile.json`: OctoBot 2.0's profile schema, plus the keys newer bots
/// write (`config.distribution`, `config.trading.paused`, `config.services`, `profile.hidden`).
/// Unknown keys are kept with a warning, so a newer bot's export is not refused for a key we have
/// not met — except inside `config.exchanges.<name>`, where only `enabled` and `exchange-type`
/// may appear: anything else there is how credentials leak.
public enum ProfileSchema {
    public static let profileJSON: SchemaNode = .object(
        ["profile": profile, "config": config],
        required: ["profile", "config"],
        unknownKeys: .warn
    )

    /// The `profile` block, judged as the bot's importer judges it (`Profile.from_dict`, then
    /// `validate` against the bot's schema): what it accepts we accept, what makes it fail we refuse.
    /// A locally made profile carries nulls (`slug`, `description`, `avatar`, `origin_url`).
    static let profile: SchemaNode = .object(
        [
            // The schema requires strings here; the bot only fills them in when absent.
            "id": .string,
            "name": .string,
            "read_only": .boolean,
            "extra_backtesting_time_frames": .array(of: .string, unique: true),
            "description": .nullableString,
            "avatar": .nullableString,
            // Neither validated nor used on import (the bot sets `imported` and `origin_url` itself).
            "slug": .anything,
            "origin_url": .anything,
            "imported": .anything,
            "auto_update": .anything,
            "hidden": .boolean,
            // Read into the bot's enums: any other value makes the import fail.
            "complexity": .oneOf([.number("1"), .number("2"), .number("3")]),
            "risk": .oneOf([.number("1"), .number("2"), .number("3")]),
            "type": .oneOf([.string("live"), .string("backtesting")]),
        ],
        unknownKeys: .warn
    )

    static let config: SchemaNode = .object(
        [
            "crypto-currencies": .object(anyKey: cryptocurrency),
            "exchanges": .object(anyKey: exchange),
            "trader": .object(
                ["enabled": .boolean, "load-trade-history": .boolean], required: ["enabled"], unknownKeys: .warn
            ),
            "trader-simulator": .object(
                [
                    "enabled": .boolean,
                    "fees": .object(
                        ["maker": .number(minimum: -100, maximum: 100), "taker": .number(minimum: -100, maximum: 100)],
                        required: ["maker", "taker"], unknownKeys: .warn
                    ),
                    "starting-portfolio": .object(anyKey: .number(minimum: 0)),
                ],
                required: ["enabled", "fees", "starting-portfolio"], unknownKeys: .warn
            ),
            "trading": .object(
                [
                    "reference-market": .string,
                    "risk": .number(minimum: 0, maximum: 1),
                    "current-live-id": .integer(minimum: 1),
                    "paused": .boolean,
                ],
                required: ["reference-market", "risk"], unknownKeys: .warn
            ),
            "distribution": .anything,
            "services": .object(),
        ],
        required: ["crypto-currencies", "exchanges", "trading", "trader", "trader-simulator"],
        unknownKeys: .warn
    )

    static let cryptocurrency: SchemaNode = .object(
        [
            "enabled": .boolean,
            "pairs": .array(of: .string, unique: true),
            "quote": .string,
            "add": .array(of: .string, unique: true),
        ],
        unknownKeys: .warn
    )

    static let exchange: SchemaNode = .object(
        ["enabled": .boolean, "exchange-type": SchemaNode(types: [.string])],
        required: ["enabled"],
        unknownKeys: .refused
    )

    /// The exchange types OctoBot knows.
    public static let exchangeTypes: Set<String> = ["spot", "future", "margin", "option"]
}
