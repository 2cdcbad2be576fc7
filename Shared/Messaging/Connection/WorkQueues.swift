/// The names of the services' work queues (`<service>.<purpose>`), declared in `Topology.astrolab`.
public enum WorkQueues {
    /// profiles ← moderation outcomes (publish or reject strategies).
    public static let profilesModeration = "profiles.moderation"
    /// profiles ← subscriptions started and ended (subscriber counts).
    public static let profilesSubscriptions = "profiles.subscriptions"
    /// moderation ← submissions to review (open cases).
    public static let moderationSubmissions = "moderation.submissions"
    /// Admins (`astrolab-admin moderation watch`) ← every moderation event.
    public static let adminModeration = "admin.moderation"
}
