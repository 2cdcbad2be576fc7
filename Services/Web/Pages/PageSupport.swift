import Foundation
import Hummingbird
import ServiceKit

/// What every page handler starts from: the session, the CSRF token, and the renderer.
struct PageKit: Sendable {
    let sessions: WebSessions
    let renderer: PageRenderer
    let api: AstrolabAPI
    let cookies: CookiePolicy

    /// A page for this request, setting the CSRF cookie when the browser has none yet.
    func page<Page: Sendable>(
        _ template: String, title: String, _ page: Page, for request: Request, session: WebSession?, status: HTTPResponse.Status = .ok
    ) -> Response {
        let (csrf, newCookie) = CSRF.token(for: request, cookies: cookies)
        var response = renderer.html(template, title: title, page: page, session: session, csrf: csrf, status: status)
        if let newCookie { response.setCookie(newCookie) }
        return response
    }

    /// The form of a POST, after its CSRF check: a missing or wrong token changes nothing.
    func form(_ request: Request) async throws -> FormQuery {
        let body = try await request.collectBody(upTo: 64 * 1024)
        let form = FormQuery(String(buffer: body))
        guard CSRF.isValid(form[CSRF.fieldName], request: request) else { throw PageError.forbidden("This form has expired or did not come from Astrolab. Reload the page and try again.") }
        return form
    }

    /// A multipart form (with files), after the same CSRF check.
    func multipartForm(_ request: Request) async throws -> MultipartForm {
        let form = try await MultipartForm(request)
        guard CSRF.isValid(form.fields[CSRF.fieldName], request: request) else { throw PageError.forbidden("This form has expired or did not come from Astrolab. Reload the page and try again.") }
        return form
    }

    /// The signed-in session, or a redirect to the sign-in page that comes back here.
    func requireSession(_ request: Request) async throws -> WebSession {
        guard let session = try await sessions.current(request) else {
            throw PageError.signInRequired(returnTo: request.uri.path)
        }
        return session
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

extension AstrolabAPI.Answer {
    /// The page error for a refusal that has no form to show it on: what does not exist (or
    /// is not the user's) is a 404 page, anything else a 403 page with the API's reason.
    var pageError: PageError {
        status == 404 ? .notFound : .forbidden(problem.detail)
    }
}

/// Errors a page answers with a page of their own (see `PageErrorMiddleware`).
enum PageError: Error {
    case notFound
    case forbidden(String)
    case signInRequired(returnTo: String)
    /// A form that cannot be read at all (wrong encoding); its fields' own mistakes are shown on the form.
    case badForm(String)
}
