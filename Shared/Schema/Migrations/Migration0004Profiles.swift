/// Profile storage (owned by the profiles service): the public listing of a strategy, its
/// uploaded versions, the content-addressed zips they point at, and logos.
enum Migration0004Profiles {
    static let migration = Migration(
        version: 4,
        name: "profiles",
        statements: [
            // exchanges/pairs/trading_mode are what the public sees: from the current approved
            // version (profile strategies) or set by the author (signal strategies). Edits to a
            // published strategy wait in pending_listing until a review approves them.
            """
            ALTER TABLE strategies
                ADD COLUMN rejection_reason text,
                ADD COLUMN exchanges        text[] NOT NULL DEFAULT ARRAY[]::text[],
                ADD COLUMN pairs            text[] NOT NULL DEFAULT ARRAY[]::text[],
                ADD COLUMN trading_mode     text,
                ADD COLUMN subscriber_count integer NOT NULL DEFAULT 0 CHECK (subscriber_count >= 0),
                ADD COLUMN current_version  integer,
                ADD COLUMN published_at     timestamptz,
                ADD COLUMN pending_listing  jsonb
            """,
            "CREATE INDEX strategies_newest ON strategies (published_at DESC, id DESC) WHERE status = 'published'",
            "CREATE INDEX strategies_popular ON strategies (subscriber_count DESC, published_at DESC, id DESC) WHERE status = 'published'",
            // One row per distinct zip: identical uploads share storage.
            """
            CREATE TABLE profile_blobs (
                sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                content     bytea NOT NULL,
                size_bytes  integer NOT NULL,
                created_at  timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE strategy_versions (
                strategy_id      text NOT NULL REFERENCES strategies (id),
                number           integer NOT NULL CHECK (number >= 1),
                sha256           text NOT NULL REFERENCES profile_blobs (sha256),
                size_bytes       integer NOT NULL,
                summary          jsonb NOT NULL,
                warnings         jsonb NOT NULL,
                status           text NOT NULL CHECK (status IN ('pending_review', 'approved', 'rejected', 'superseded')),
                rejection_reason text,
                created_at       timestamptz NOT NULL,
                decided_at       timestamptz,
                PRIMARY KEY (strategy_id, number)
            )
            """,
            // 'pending' is a new logo for a published strategy, shown once a review approves it.
            """
            CREATE TABLE strategy_logos (
                strategy_id  text NOT NULL REFERENCES strategies (id),
                state        text NOT NULL CHECK (state IN ('current', 'pending')),
                content      bytea NOT NULL,
                content_type text NOT NULL,
                sha256       text NOT NULL,
                updated_at   timestamptz NOT NULL,
                PRIMARY KEY (strategy_id, state)
            )
            """,
        ]
    )
}
