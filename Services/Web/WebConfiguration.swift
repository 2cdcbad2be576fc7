import Foundation
import Rules
import ServiceKit

/// The web service's settings: the shared ones, and where it reaches the public API.
struct WebConfiguration: Sendable {
    var service: ServiceConfiguration
    /// The API's origin as the web service reaches it (the edge, from inside the installation).
    var apiURL: String
    /// Cookies get `Secure` when users reach the site over https.
    var secureCookies: Bool

    init(environment env: EnvironmentReader = EnvironmentReader()) throws {
        service = try ServiceConfiguration(environment: env, defaultPort: 8086)
        let api = env.string("API_URL", default: "http://127.0.0.1:8080")
        guard let url = URL(string: api), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw EnvironmentReader.Invalid(description: "API_URL must be an http(s) origin, got '\(api)'")
        }
        apiURL = api.hasSuffix("/") ? String(api.dropLast()) : api
        secureCookies = service.publicBaseURL.hasPrefix("https://")
    }
}
