/// The transactional outbox (events written with the change that caused them, published later)
/// and the consumers' inbox (which messages each consumer has already applied).
enum Migration0003Messaging {
    static let migration = Migration(
        version: 3,
        name: "messaging",
        statements: [
            """
            CREATE TABLE outbox (
                id          bigserial PRIMARY KEY,
                message_id  text NOT NULL UNIQUE,
                exchange    text NOT NULL,
                routing_key text NOT NULL,
                type        text,
                body        bytea NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now(),
                sent_at     timestamptz
            )
            """,
            "CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL",
            "CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL",
            // Wakes the relays at commit; they also poll, so a lost notification only delays.
            """
            CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('outbox', '');
                RETURN NULL;
            END
            $$
            """,
            "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()",
            """
            CREATE TABLE inbox (
                consumer     text NOT NULL,
                message_id   text NOT NULL,
                processed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer, message_id)
            )
            """,
            "CREATE INDEX inbox_processed ON inbox (processed_at)",
        ]
    )
}
