/// Signal records are most of the outbox's rows (one per signal), and only signal relays have
/// followers to hand them to; every other service's outbox relay woke at each of them and found
/// the row taken. Their commits now notify `outbox_signals`, which the relays listen on, and
/// other rows `outbox` as before. Every outbox relay still polls, so a signal row is published
/// even when no relay is running.
enum Migration0012SignalOutboxWakeup {
    static let migration = Migration(
        version: 12,
        name: "signal outbox wakeup",
        statements: [
            "DROP TRIGGER outbox_notify ON outbox",
            """
            CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM inserted WHERE exchange = 'astrolab.signals') THEN
                    PERFORM pg_notify('outbox_signals', '');
                END IF;
                IF EXISTS (SELECT 1 FROM inserted WHERE exchange <> 'astrolab.signals') THEN
                    PERFORM pg_notify('outbox', '');
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER outbox_notify AFTER INSERT ON outbox REFERENCING NEW TABLE AS inserted
            FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()
            """,
        ]
    )
}
