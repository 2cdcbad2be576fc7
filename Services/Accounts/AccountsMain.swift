import Foundation
import Hummingbird
import ServiceKit

/// `accounts`: users, sessions, API keys, devices and the access-token signing key.
@main
struct AccountsMain {
    static func main() async {
        do {
            let configuration = try AccountsConfiguration()
            Observability.bootstrapLogging(level: configuration.service.logLevel)
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("accounts: \(error)\n".utf8))
            exit(1)
        }
    }
}
