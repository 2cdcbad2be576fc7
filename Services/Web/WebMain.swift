import Foundation
import Hummingbird
import ServiceKit

/// `web`: the website. Server-rendered pages over the public API.
@main
struct WebMain {
    static func main() async {
        do {
            let configuration = try WebConfiguration()
            Observability.bootstrapLogging(level: configuration.service.logLevel)
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("web: \(error)\n".utf8))
            exit(1)
        }
    }
}
