import Foundation
import Hummingbird
import ServiceKit

/// `signal-relay`: the signal log, its HTTP ingest and history, and real-time fan-out to
/// followers over WebSocket and MQTT.
@main
struct SignalRelayMain {
    static func main() async {
        do {
            let configuration = try SignalRelayConfiguration()
            Observability.bootstrapLogging(level: configuration.service.logLevel)
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("signal-relay: \(error)\n".utf8))
            exit(1)
        }
    }
}
