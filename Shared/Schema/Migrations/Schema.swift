/// The whole schema history, oldest first. Append only: never edit or reorder a released entry.
public enum Schema {
    public static let migrations: [Migration] = [
        Migration0001Accounts.migration,
        Migration0002Strategies.migration,
        Migration0003Messaging.migration,
        Migration0004Profiles.migration,
        Migration0005Moderation.migration,
        Migration0006Subscriptions.migration,
        Migration0007Signals.migration,
        Migration0008BotRegistry.migration,
        Migration0009WebSessions.migration,
        Migration0010TakeDowns.migration,
        Migration0011MQTTResume.migration,
        Migration0012SignalOutboxWakeup.migration,
    ]

    /// The version this build needs; services refuse to start on an older database.
    public static var latestVersion: Int {
        migrations.map(\.version).max() ?? 0
    }
}
