/// Review cases, the audit trail of decisions, and the numbered log of moderation events that
/// the admins' live stream resumes from (owned by the moderation service).
enum Migration0005Moderation {
    static let migration = Migration(
        version: 5,
        name: "moderation",
        statements: [
            """
            CREATE TABLE review_cases (
                id            uuid PRIMARY KEY,
                strategy_id   text NOT NULL REFERENCES strategies (id),
                subject       text NOT NULL CHECK (subject IN ('version', 'listing')),
                version       integer,
                status        text NOT NULL CHECK (status IN ('open', 'approved', 'rejected', 'superseded')),
                checks        jsonb NOT NULL,
                opened_at     timestamptz NOT NULL,
                decided_at    timestamptz,
                moderator_id  uuid REFERENCES users (id),
                note          text,
                reason        text,
                superseded_by uuid REFERENCES review_cases (id) DEFERRABLE INITIALLY DEFERRED,
                CHECK ((subject = 'version') = (version IS NOT NULL))
            )
            """,
            // A newer submission closes the older case first (pointing at the case about to be
            // inserted, hence the deferred reference), so at most one is ever open.
            "CREATE UNIQUE INDEX review_cases_one_open ON review_cases (strategy_id) WHERE status = 'open'",
            "CREATE INDEX review_cases_by_time ON review_cases (opened_at, id)",
            "CREATE INDEX review_cases_by_strategy ON review_cases (strategy_id, opened_at)",
            // Every decision ever taken, kept even if cases are later archived.
            """
            CREATE TABLE moderation_decisions (
                id           bigserial PRIMARY KEY,
                case_id      uuid NOT NULL REFERENCES review_cases (id),
                moderator_id uuid NOT NULL REFERENCES users (id),
                decision     text NOT NULL CHECK (decision IN ('approved', 'rejected')),
                note         text,
                reason       text,
                decided_at   timestamptz NOT NULL
            )
            """,
            "CREATE INDEX moderation_decisions_case ON moderation_decisions (case_id)",
            // Writers take a transaction advisory lock before inserting, so sequence numbers
            // become visible in order and a reader resuming after N never skips a late commit.
            """
            CREATE TABLE moderation_events (
                seq         bigserial PRIMARY KEY,
                event_id    uuid NOT NULL UNIQUE,
                type        text NOT NULL,
                body        text NOT NULL,
                occurred_at timestamptz NOT NULL
            )
            """,
            """
            CREATE FUNCTION moderation_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('moderation_events', '');
                RETURN NULL;
            END
            $$
            """,
            "CREATE TRIGGER moderation_events_notify AFTER INSERT ON moderation_events FOR EACH STATEMENT EXECUTE FUNCTION moderation_events_notify()",
        ]
    )
}
