import Foundation
import Hummingbird
import ServiceKit

/// `/login`, `/register` and `POST /logout`. A refused attempt shows the API's reason next to
/// the field it names and keeps what the user typed (never the password).
struct SignInPages: Sendable {
    let kit: PageKit

    struct View: Sendable {
        let email: String
        let displayName: String
        let next: String
        let problem: String?
        let emailProblem: String?
        let passwordProblem: String?
        let displayNameProblem: String?
    }

    /// `AppRequestContext`: its `clientAddress` (the browser, as the edge says) goes with sign-ins.
    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/login") { request, _ in
            kit.page("signin", title: "Sign in", Self.view(next: request.formQuery["next"]), for: request, session: try await kit.sessions.current(request))
        }
        router.post("/login") { request, context in
            let form = try await kit.form(request)
            let email = form["email"] ?? ""
            switch try await kit.sessions.signIn(email: email, password: form["password"] ?? "", clientAddress: context.clientAddress) {
            case .success(let cookie):
                var response = PageKit.redirect(Self.safeNext(form["next"]))
                response.setCookie(cookie)
                return response
            case .failure(let problem):
                let view = Self.view(email: email, next: form["next"], problem: problem.detail)
                return kit.page("signin", title: "Sign in", view, for: request, session: nil, status: Self.status(problem))
            }
        }
        router.get("/register") { request, _ in
            kit.page("register", title: "Create an account", Self.view(next: nil), for: request, session: try await kit.sessions.current(request))
        }
        router.post("/register") { request, context in
            let form = try await kit.form(request)
            let (email, password, name) = (form["email"] ?? "", form["password"] ?? "", form["displayName"] ?? "")
            let answer = try await kit.api.post(
                "/v1/auth/register", token: nil, json: ["email": email, "password": password, "displayName": name], clientAddress: context.clientAddress
            )
            guard answer.isSuccess else {
                let problem = answer.problem
                let view = View(
                    email: email, displayName: name, next: "/", problem: problem.errors == nil ? problem.detail : "Please correct the fields below.",
                    emailProblem: problem.message(for: "email"), passwordProblem: problem.message(for: "password"),
                    displayNameProblem: problem.message(for: "displayName")
                )
                return kit.page("register", title: "Create an account", view, for: request, session: nil, status: Self.status(problem))
            }
            switch try await kit.sessions.signIn(email: email, password: password, clientAddress: context.clientAddress) {
            case .success(let cookie):
                var response = PageKit.redirect("/")
                response.setCookie(cookie)
                return response
            case .failure:
                return PageKit.redirect("/login")
            }
        }
        router.post("/logout") { request, _ in
            _ = try await kit.form(request)
            var response = PageKit.redirect("/")
            if let session = try await kit.sessions.current(request) {
                response.setCookie(try await kit.sessions.signOut(session))
            }
            return response
        }
    }

    static func view(email: String = "", next: String?, problem: String? = nil) -> View {
        View(email: email, displayName: "", next: safeNext(next), problem: problem, emailProblem: nil, passwordProblem: nil, displayNameProblem: nil)
    }

    /// Only a path on this site: `next` must never send a user elsewhere after signing in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else { return "/" }
        return next
    }

    /// The page's status follows the API's (401 wrong password, 409 taken, 422 invalid, 429 throttled).
    static func status(_ problem: APIProblem) -> HTTPResponse.Status {
        HTTPResponse.Status(code: (400..<500).contains(problem.status) ? problem.status : 502)
    }
}
