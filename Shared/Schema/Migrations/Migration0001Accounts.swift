/// Users, their sessions (refresh tokens), API keys, devices and the login throttle's memory.
enum Migration0001Accounts {
    static let migration = Migration(
        version: 1,
        name: "accounts",
        statements: [
            """
            CREATE TABLE users (
                id            uuid PRIMARY KEY,
                email         text NOT NULL UNIQUE,
                display_name  text NOT NULL,
                password_hash text NOT NULL,
                roles         text[] NOT NULL DEFAULT ARRAY['user'],
                created_at    timestamptz NOT NULL
            )
            """,
            // A family is one login session; rotation adds tokens to it, reuse revokes all of it.
            """
            CREATE TABLE refresh_tokens (
                id          uuid PRIMARY KEY,
                user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                family_id   uuid NOT NULL,
                token_hash  bytea NOT NULL UNIQUE,
                created_at  timestamptz NOT NULL,
                expires_at  timestamptz NOT NULL,
                used_at     timestamptz,
                revoked_at  timestamptz
            )
            """,
            "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)",
            """
            CREATE TABLE api_keys (
                id           uuid PRIMARY KEY,
                user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name         text NOT NULL,
                key_prefix   text NOT NULL,
                key_hash     bytea NOT NULL UNIQUE,
                scopes       text[] NOT NULL,
                strategy_ids text[] NOT NULL DEFAULT ARRAY[]::text[],
                created_at   timestamptz NOT NULL,
                revoked_at   timestamptz
            )
            """,
            "CREATE INDEX api_keys_user ON api_keys (user_id) WHERE revoked_at IS NULL",
            """
            CREATE TABLE devices (
                id          uuid PRIMARY KEY,
                user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name        text NOT NULL,
                created_at  timestamptz NOT NULL,
                deleted_at  timestamptz
            )
            """,
            "CREATE INDEX devices_user ON devices (user_id) WHERE deleted_at IS NULL",
            // Failed logins, keyed both ways so either an email or a client address can be throttled.
            """
            CREATE TABLE login_failures (
                id             bigserial PRIMARY KEY,
                email          text NOT NULL,
                client_address text NOT NULL,
                failed_at      timestamptz NOT NULL
            )
            """,
            "CREATE INDEX login_failures_email ON login_failures (email, failed_at)",
            "CREATE INDEX login_failures_address ON login_failures (client_address, failed_at)",
            // Pruning deletes by age alone after every failure.
            "CREATE INDEX login_failures_time ON login_failures (failed_at)",
        ]
    )
}
