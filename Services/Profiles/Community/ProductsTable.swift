import Hummingbird
import ServiceKit

/// `GET /rest/v1/products`: the cloud's product catalog, which a stock OctoBot reads at login
/// for its strategy browser. Astrolab's catalog is browsed on Astrolab (`/v1/catalog`) and
/// followed through subscriptions, so this table is empty, whatever the filters (the bot's use
/// embeddings and `or=(…)`); an error instead would be logged by the bot at every start.
struct ProductsTable: Sendable {
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("products") { _, _ in
            PostgRESTRows([String]())
        }
    }
}
