import Rules
import ServiceKit

/// The relay's settings: the shared ones, the MQTT listener, ingest rate limits and the
/// per-connection buffers that keep a slow follower from slowing the others.
struct SignalRelayConfiguration: Sendable {
    var service: ServiceConfiguration
    var mqttHost: String
    /// 0 picks a free port (tests).
    var mqttPort: Int
    /// Sustained signals per second one strategy may emit, and the burst above it.
    var emitRatePerSecond: Double
    var emitBurst: Double
    /// Records a connection may have queued before it counts as too slow and is closed.
    var followerBuffer: Int
    /// Unacknowledged QoS 1 PUBLISH packets per MQTT connection.
    var mqttInflightWindow: Int
    /// How long a new MQTT connection may take to send a complete CONNECT (a slow-loris guard).
    var mqttConnectTimeout: Duration
    /// How often the log heads of followed strategies are compared with what was delivered
    /// (`LogGapFiller`): a committed record reaches followers within about twice this.
    var gapCheckInterval: Duration
    /// How long an emit may wait for the log (the database) before it is answered 503. With the
    /// API key lookup's own bound (`CREDENTIAL_LOOKUP_TIMEOUT_MS`, 1 s), an emit is answered within 2 s.
    var emitCommitTimeout: Duration
    /// A re-subscribing MQTT device is sent what it missed, if younger than this and at most
    /// `mqttResumeMaxRecords` records (`MQTTResumePolicy`).
    var mqttResumeWindow: Duration
    var mqttResumeMaxRecords: Int
    /// How often MQTT resume points are written to the database.
    var mqttResumeFlushInterval: Duration

    init(environment env: EnvironmentReader = EnvironmentReader()) throws {
        service = try ServiceConfiguration(environment: env, defaultPort: 8085)
        mqttHost = env.string("MQTT_HOST", default: service.httpHost)
        mqttPort = try env.int("MQTT_PORT", default: 1883, range: 0...65535)
        emitRatePerSecond = Double(try env.int("EMIT_RATE_PER_SECOND", default: 50, range: 1...100_000))
        emitBurst = Double(try env.int("EMIT_BURST", default: 200, range: 1...1_000_000))
        followerBuffer = try env.int("FOLLOWER_BUFFER", default: 1024, range: 16...1_000_000)
        mqttInflightWindow = try env.int("MQTT_INFLIGHT_WINDOW", default: 64, range: 1...65535)
        mqttConnectTimeout = .milliseconds(try env.int("MQTT_CONNECT_TIMEOUT_MS", default: 10_000, range: 1...600_000))
        gapCheckInterval = .milliseconds(try env.int("GAP_CHECK_INTERVAL_MS", default: 500, range: 10...60_000))
        emitCommitTimeout = .milliseconds(try env.int("EMIT_COMMIT_TIMEOUT_MS", default: 1000, range: 50...60_000))
        mqttResumeWindow = .seconds(try env.int("MQTT_RESUME_WINDOW_SECONDS", default: 60, range: 0...86_400))
        mqttResumeMaxRecords = try env.int("MQTT_RESUME_MAX_RECORDS", default: 1000, range: 0...100_000)
        mqttResumeFlushInterval = .milliseconds(try env.int("MQTT_RESUME_FLUSH_MS", default: 1000, range: 10...60_000))
    }
}
