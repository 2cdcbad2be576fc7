import AsyncHTTPClient
import Hummingbird
import Logging
import Models
import ServiceKit

/// Builds the web application; `main` runs it, tests drive it with HummingbirdTesting.
func buildApplication(
    _ configuration: WebConfiguration,
    clock: any WallClock = SystemWallClock(),
    logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(name: "web", configuration: configuration.service, logger: logger)
    let router = runtime.makeRouter(verificationKeys: try await runtime.makeVerificationKeys(), clock: clock)
    let assets = Assets()
    let renderer = try PageRenderer(assets: assets)
    let cookies = CookiePolicy(secure: configuration.secureCookies)
    let api = AstrolabAPI(baseURL: configuration.apiURL, client: HTTPClient.shared)
    let sessions = WebSessions(
        store: PostgresWebSessionStore(client: runtime.database, logger: runtime.logger), api: api, cookies: cookies,
        clock: clock, logger: runtime.logger
    )
    let kit = PageKit(sessions: sessions, renderer: renderer, api: api, cookies: cookies)

    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: PageErrorMiddleware(renderer: renderer, sessions: sessions, cookies: cookies))
    assets.addRoutes(to: router)
    CatalogPage(kit: kit).addRoutes(to: router)
    StrategyPage(kit: kit).addRoutes(to: router)
    LiveSignals(kit: kit, logger: runtime.logger).addRoutes(to: router)
    SubscriptionsPage(kit: kit).addRoutes(to: router)
    EditorPages(kit: kit).addRoutes(to: router)
    ModerationPages(kit: kit).addRoutes(to: router)
    AccountPage(kit: kit).addRoutes(to: router)
    SignInPages(kit: kit).addRoutes(to: router)

    return runtime.makeApplication(router: router)
}
