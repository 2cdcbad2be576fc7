/// What a stock OctoBot keeps on its community server (owned by the accounts service): its
/// user's free-form metadata (`hosting_enabled`, filled forms), and the registry of the user's
/// bots and their deployments, which the bot creates at its first login and refreshes as a
/// heartbeat. The foreign key's name is part of the contract: the bot embeds deployments with
/// the hint `bot_deployments!bots_current_deployment_id_fkey`.
enum Migration0008BotRegistry {
    static let migration = Migration(
        version: 8,
        name: "bot registry",
        statements: [
            "ALTER TABLE users ADD COLUMN user_metadata jsonb NOT NULL DEFAULT '{}'",
            """
            CREATE TABLE bots (
                id                    uuid PRIMARY KEY,
                user_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name                  text,
                current_deployment_id uuid,
                created_at            timestamptz NOT NULL,
                updated_at            timestamptz NOT NULL
            )
            """,
            "CREATE INDEX bots_user ON bots (user_id, created_at)",
            """
            CREATE TABLE bot_deployments (
                id            uuid PRIMARY KEY,
                bot_id        uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                type          text NOT NULL CHECK (type IN ('self_hosted', 'cloud')),
                status        text NOT NULL,
                version       text,
                last_activity timestamptz,
                next_activity timestamptz,
                created_at    timestamptz NOT NULL,
                updated_at    timestamptz NOT NULL
            )
            """,
            "CREATE INDEX bot_deployments_bot ON bot_deployments (bot_id)",
            """
            ALTER TABLE bots ADD CONSTRAINT bots_current_deployment_id_fkey
                FOREIGN KEY (current_deployment_id) REFERENCES bot_deployments (id) ON DELETE SET NULL
            """,
        ]
    )
}
