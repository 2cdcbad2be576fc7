/// The core of the strategies table (owned by the profiles service). API keys already need to know
/// who authors which strategy; the profiles issue extends this table in later migrations.
enum Migration0002Strategies {
    static let migration = Migration(
        version: 2,
        name: "strategies",
        statements: [
            """
            CREATE TABLE strategies (
                id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{4,32}$'),
                author_id   uuid NOT NULL REFERENCES users (id),
                slug        text NOT NULL,
                name        text NOT NULL,
                description text NOT NULL,
                kind        text NOT NULL CHECK (kind IN ('profile', 'signals')),
                status      text NOT NULL DEFAULT 'draft'
                            CHECK (status IN ('draft', 'pending_review', 'published', 'rejected')),
                created_at  timestamptz NOT NULL,
                updated_at  timestamptz NOT NULL
            )
            """,
            "CREATE INDEX strategies_author ON strategies (author_id)",
        ]
    )
}
