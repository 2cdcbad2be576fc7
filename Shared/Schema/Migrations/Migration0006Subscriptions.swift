/// Subscriptions and their download grants (owned by the subscriptions service).
enum Migration0006Subscriptions {
    static let migration = Migration(
        version: 6,
        name: "subscriptions",
        statements: [
            """
            CREATE TABLE subscriptions (
                id          uuid PRIMARY KEY,
                user_id     uuid NOT NULL REFERENCES users (id),
                strategy_id text NOT NULL REFERENCES strategies (id),
                status      text NOT NULL CHECK (status IN ('active', 'cancelled', 'expired', 'revoked')),
                started_at  timestamptz NOT NULL,
                ends_at     timestamptz,
                ended_at    timestamptz,
                granted_by  uuid REFERENCES users (id)
            )
            """,
            // Subscribing is idempotent: one active subscription per user and strategy.
            "CREATE UNIQUE INDEX subscriptions_one_active ON subscriptions (user_id, strategy_id) WHERE status = 'active'",
            "CREATE INDEX subscriptions_by_user ON subscriptions (user_id, started_at)",
            "CREATE INDEX subscriptions_by_strategy ON subscriptions (strategy_id) WHERE status = 'active'",
            "CREATE INDEX subscriptions_due ON subscriptions (ends_at) WHERE status = 'active' AND ends_at IS NOT NULL",
            // Only the SHA-256 of a download token is stored; the token itself is derived from
            // the grant id with the service's secret when a URL is shown.
            """
            CREATE TABLE download_grants (
                id              uuid PRIMARY KEY,
                subscription_id uuid NOT NULL REFERENCES subscriptions (id),
                token_hash      bytea NOT NULL UNIQUE,
                created_at      timestamptz NOT NULL,
                revoked_at      timestamptz
            )
            """,
            "CREATE UNIQUE INDEX download_grants_current ON download_grants (subscription_id) WHERE revoked_at IS NULL",
        ]
    )
}
