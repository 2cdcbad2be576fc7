/// The web app's sessions (owned by the web service): the browser holds a random cookie, the
/// row its hash and the API tokens it stands for, so every web replica serves every session and
/// a restart signs nobody out. Rows past `expires_at` are ignored and pruned.
enum Migration0009WebSessions {
    static let migration = Migration(
        version: 9,
        name: "web sessions",
        statements: [
            """
            CREATE TABLE web_sessions (
                cookie_hash       bytea PRIMARY KEY,
                user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                display_name      text NOT NULL,
                is_admin          boolean NOT NULL,
                access_token      text NOT NULL,
                access_expires_at timestamptz NOT NULL,
                refresh_token     text NOT NULL,
                created_at        timestamptz NOT NULL,
                expires_at        timestamptz NOT NULL
            )
            """,
            "CREATE INDEX web_sessions_expiry ON web_sessions (expires_at)",
        ]
    )
}
