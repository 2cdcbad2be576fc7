import Foundation
import Hummingbird
import ServiceKit

/// `GET /v1/community`: what a user types into their bot's settings to connect it to this
/// installation (public: the key is the installation's public key, not a secret).
struct CommunityConnectionController: Sendable {
    let connection: CommunityConnection

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("v1/community") { _, _ in connection }
    }
}

/// The three environment variables a stock OctoBot reads, and the MQTT port it always uses.
struct CommunityConnection: ResponseEncodable {
    /// `COMMUNITY_BACKEND_URL`: the edge's origin.
    let backendUrl: String
    /// `COMMUNITY_BACKEND_KEY`.
    let publicKey: String
    /// `COMMUNITY_FEED_URL`: a host name only.
    let feedHost: String
    /// A constant in the bot: the edge must serve MQTT on it for stock bots.
    let feedPort = 1883
}
