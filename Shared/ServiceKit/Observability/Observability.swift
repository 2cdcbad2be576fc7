import Logging
import Metrics
import Prometheus

/// Process-wide logging and metrics set-up. Both swift-log and swift-metrics allow exactly one
/// bootstrap per process, so this is the only place that does it.
public enum Observability {
    /// The registry every metric of this process lands in, served at `/metrics`. Touching it
    /// bootstraps swift-metrics, so tests that build several applications share one registry.
    public static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Log lines go to standard output as `timestamp level label : key=value … message`, with
    /// the request id among the keys; call once, at the top of `main`.
    public static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
