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

    static let profile: SchemaNode = .object(
        [
            "id": .string,
            "name": .string,
            "slug": .string,
            "description": .nullableString,
            "avatar": .nullableString,
            "origin_url": .nullableString,
            "auto_update": .boolean,
            "read_only": .boolean,
            "imported": .boolean,
            "hidden": .boolean,
            "complexity": .number(),
            "risk": .number(),
            "type": .string,
            "extra_backtesting_time_frames": .array(of: .string, unique: true),
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
