import CoreMetrics
import Foundation

/// The relay's own metrics (on `/metrics` with the common ones).
enum RelayMetrics {
    private static let signalsIngested = Counter(label: "astrolab_signals_ingested_total")
    private static let recordsDelivered = Counter(label: "astrolab_signal_deliveries_total")
    private static let slowFollowers = Counter(label: "astrolab_signal_slow_followers_disconnected_total")
    /// Records the broker did not bring, dispatched from the log instead (`LogGapFiller`).
    private static let gapsFilled = Counter(label: "astrolab_signal_gap_records_filled_total")
    /// Records a re-subscribing MQTT device missed but was not sent: older than the resume window.
    private static let resumeSkips = Counter(label: "astrolab_mqtt_resume_skipped_total")
    /// From a record's commit to the follower's ack (WebSocket) or PUBACK (MQTT).
    private static let deliveryLatency = Timer(label: "astrolab_signal_delivery_seconds", preferredDisplayUnit: .seconds)
    private static let webSocketConnections = Meter(label: "astrolab_signal_websocket_connections")
    private static let mqttConnections = Meter(label: "astrolab_signal_mqtt_connections")

    static func signalIngested() { signalsIngested.increment() }
    static func recordDelivered() { recordsDelivered.increment() }
    static func slowFollowerDisconnected() { slowFollowers.increment() }
    static func gapFilled(count: Int) { gapsFilled.increment(by: count) }
    static func resumeSkipped(count: Int) { resumeSkips.increment(by: count) }

    static func acknowledged(committedAt: Date, now: Date) {
        deliveryLatency.recordNanoseconds(Int64(max(0, now.timeIntervalSince(committedAt)) * 1e9))
    }

    static func webSocketOpened() { webSocketConnections.increment() }
    static func webSocketClosed() { webSocketConnections.decrement() }
    static func mqttOpened() { mqttConnections.increment() }
    static func mqttClosed() { mqttConnections.decrement() }
}
