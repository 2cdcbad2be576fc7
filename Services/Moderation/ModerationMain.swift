import Foundation
import Hummingbird
import ServiceKit

/// `moderation`: review cases, automated checks, admins' decisions and the moderation event stream.
@main
struct ModerationMain {
    static func main() async {
        do {
            let configuration = try ModerationConfiguration()
            Observability.bootstrapLogging(level: configuration.service.logLevel)
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("moderation: \(error)\n".utf8))
            exit(1)
        }
    }
}
