import Foundation
import Hummingbird
import Logging
import ServiceKit

/// Every error a page meets becomes a friendly page in the layout, never problem+json or a
/// stack trace: 404 for what does not exist (or is not visible to this user), 403 with the
/// reason, a sign-in redirect for pages that need one, 500 for the rest (logged).
struct PageErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let renderer: PageRenderer
    let sessions: WebSessions
    let cookies: CookiePolicy

    struct ErrorPage: Sendable {
        let heading: String
        let message: String
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PageError {
            switch error {
            case .notFound:
                return await page(.notFound, "Page not found", "There is nothing here, or it is not visible to you.", request)
            case .forbidden(let reason):
                return await page(.forbidden, "Not allowed", reason, request)
            case .badForm(let reason):
                return await page(.badRequest, "The form could not be read", reason, request)
            case .signInRequired(let returnTo):
                let target = returnTo.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_"))) ?? "/"
                return Response(status: .seeOther, headers: [.location: "/login?next=\(target)"])
            }
        } catch let error as HTTPError where error.status == .notFound {
            return await page(.notFound, "Page not found", "There is nothing here, or it is not visible to you.", request)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return await page(.contentTooLarge, "Too large", "What you sent is larger than this form accepts.", request)
        } catch {
            context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"])
            return await page(.internalServerError, "Something went wrong", "It has been logged; try again in a moment.", request)
        }
    }

    private func page(_ status: HTTPResponse.Status, _ heading: String, _ message: String, _ request: Request) async -> Response {
        let (csrf, _) = CSRF.token(for: request, cookies: cookies)
        // The header shows who is signed in when that can still be told (the error may be the lookup's own).
        let session = try? await sessions.current(request)
        return renderer.html("error", title: heading, page: ErrorPage(heading: heading, message: message), session: session, csrf: csrf, status: status)
    }
}

/// Headers every page and asset gets: a strict Content-Security-Policy (no inline script, no
/// framing), no MIME sniffing, and no referrer beyond this site (download URLs hold a token).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }
}
