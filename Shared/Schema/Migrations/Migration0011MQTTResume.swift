/// Where each MQTT device stands in each strategy it follows (owned by the signal relay): the
/// highest seq up to which it acknowledged every record. A stock bot reconnects with a clean
/// session, so after a dropped connection (a relay restart, a network cut) the relay resumes it
/// from here instead of from the live head: nothing sent while it was away is lost.
enum Migration0011MQTTResume {
    static let migration = Migration(
        version: 11,
        name: "mqtt resume points",
        statements: [
            """
            CREATE TABLE mqtt_resume_points (
                device_id   uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
                strategy_id text NOT NULL REFERENCES strategies (id),
                acked_seq   bigint NOT NULL CHECK (acked_seq >= 0),
                updated_at  timestamptz NOT NULL,
                PRIMARY KEY (device_id, strategy_id)
            )
            """,
        ]
    )
}
