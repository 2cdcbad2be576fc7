/// The signal log (owned by the signal relay): per strategy, records numbered from 1 without
/// gaps and chained by hash; `signal_heads` holds each chain's end and is the row concurrent
/// emitters of one strategy lock, one after the other.
enum Migration0007Signals {
    static let migration = Migration(
        version: 7,
        name: "signals",
        statements: [
            """
            CREATE TABLE signal_heads (
                strategy_id text PRIMARY KEY REFERENCES strategies (id),
                seq         bigint NOT NULL CHECK (seq >= 0),
                hash        bytea NOT NULL
            )
            """,
            """
            CREATE TABLE signal_records (
                strategy_id text NOT NULL REFERENCES strategies (id),
                seq         bigint NOT NULL CHECK (seq >= 1),
                message_id  text NOT NULL,
                envelope    bytea NOT NULL,
                prev_hash   bytea NOT NULL,
                hash        bytea NOT NULL,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (strategy_id, seq),
                UNIQUE (strategy_id, message_id)
            )
            """,
        ]
    )
}
