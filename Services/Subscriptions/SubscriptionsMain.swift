import Foundation
import Hummingbird
import ServiceKit

/// `subscriptions`: subscribe, cancel, download URLs, admin grants and the expiry of ended subscriptions.
@main
struct SubscriptionsMain {
    static func main() async {
        do {
            let configuration = try SubscriptionsConfiguration()
            Observability.bootstrapLogging(level: configuration.service.logLevel)
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("subscriptions: \(error)\n".utf8))
            exit(1)
        }
    }
}
