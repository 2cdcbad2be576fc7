/// The names of the services' work queues (`<service>.<purpose>`), declared in `Topology.astrolab`.
public enum WorkQueues {
    /// profiles ← moderation outcomes (publish, reject or take down strategies).
    public static let profilesModeration = "profiles.moderation"
    /// profiles ← subscriptions started and ended (subscriber counts).
    public static let profilesSubscriptions = "profiles.subscriptions"
    /// subscriptions ← strategies taken down (their subscriptions end).
    public static let subscriptionsStrategies = "subscriptions.strategies"
    /// moderation ← submissions to review (open cases).
    public static let moderationSubmissions = "moderation.submissions"
    /// Admins (`astrolab-admin moderation watch`) ← every moderation event.
    public static let adminModeration = "admin.moderation"
}
