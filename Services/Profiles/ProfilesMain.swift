import Foundation
import Hummingbird
import ServiceKit

/// `profiles`: strategies, profile uploads and their storage, logos, the catalog and downloads.
@main
struct ProfilesMain {
    static func main() async {
        do {
            let configuration = try ProfilesConfiguration()
            Observability.bootstrapLogging(level: configuration.service.logLevel)
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("profiles: \(error)\n".utf8))
            exit(1)
        }
    }
}
