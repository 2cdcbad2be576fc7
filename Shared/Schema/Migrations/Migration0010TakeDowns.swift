/// Moderators take published strategies down: the record of who did it and why (owned by the
/// moderation service, one per strategy), the strategy's terminal `taken_down` status (profiles)
/// and subscriptions ended by it (subscriptions).
enum Migration0010TakeDowns {
    static let migration = Migration(
        version: 10,
        name: "take-downs",
        statements: [
            """
            CREATE TABLE strategy_takedowns (
                strategy_id   text PRIMARY KEY REFERENCES strategies (id),
                moderator_id  uuid NOT NULL REFERENCES users (id),
                reason        text NOT NULL,
                taken_down_at timestamptz NOT NULL
            )
            """,
            "ALTER TABLE strategies DROP CONSTRAINT strategies_status_check",
            """
            ALTER TABLE strategies ADD CONSTRAINT strategies_status_check
                CHECK (status IN ('draft', 'pending_review', 'published', 'rejected', 'taken_down'))
            """,
            "ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check",
            """
            ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
                CHECK (status IN ('active', 'cancelled', 'expired', 'revoked', 'taken_down'))
            """,
        ]
    )
}
