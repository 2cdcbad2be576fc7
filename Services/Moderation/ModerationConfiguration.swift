import Rules
import ServiceKit

/// The moderation service's settings: the shared ones plus the event stream's pacing.
struct ModerationConfiguration: Sendable {
    var service: ServiceConfiguration
    /// How often an open event stream looks for new events.
    var streamPollInterval: Duration
    /// How often an idle stream sends a comment, so proxies keep it open.
    var streamKeepAlive: Duration

    init(environment env: EnvironmentReader = EnvironmentReader()) throws {
        service = try ServiceConfiguration(environment: env, defaultPort: 8083)
        streamPollInterval = .milliseconds(try env.int("EVENT_STREAM_POLL_MS", default: 250, range: 10...10_000))
        streamKeepAlive = .seconds(try env.int("EVENT_STREAM_KEEPALIVE_SECONDS", default: 15, range: 1...300))
    }
}
