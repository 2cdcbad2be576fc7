import APIShapes
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceKit

/// `Editor`: the author's strategies with their status, `Publish a new strategy` (name,
/// description, logo, and a profile zip or signals' exchange and pairs), and each strategy's
/// page to edit, upload a new version, change the logo and submit. The API decides everything;
/// its refusals are shown next to the field they name, with what the user typed kept.
struct EditorPages: Sendable {
    let kit: PageKit

    struct ListView: Sendable {
        let strategies: [EditorRow]
        let isEmpty: Bool
    }

    /// A strategy in the author's list.
    struct EditorRow: Sendable {
        let id: String
        let name: String
        let kind: String
        let status: String
        let rejectionReason: String?
        /// What the reason is for: a rejection, or a take-down.
        let reasonLabel: String
        let hasPendingChanges: Bool

        init(_ strategy: StrategyBody) {
            id = strategy.id
            name = strategy.name
            kind = strategy.kind == "signals" ? "Signals" : "Profile"
            status = strategy.status.replacingOccurrences(of: "_", with: " ")
            rejectionReason = strategy.rejectionReason
            reasonLabel = strategy.isTakenDown ? "Taken down" : "Rejected"
            hasPendingChanges = strategy.hasPendingChanges
        }
    }

    /// The new-strategy form: what was typed, and the API's word on each field.
    struct NewView: Sendable {
        var name = ""
        var description = ""
        var isSignals = false
        var exchange = ""
        var pairs = ""
        var problem: String?
        var fieldProblems = FieldProblems()
    }

    struct FieldProblems: Sendable {
        var name: String?
        var description: String?
        var exchange: String?
        var pairs: String?
        var logo: String?
        var profile: String?
        /// Problems inside the uploaded zip, by file.
        var profileErrors: [String] = []
    }

    /// The strategy's own members the editor page shows. Not `StrategyBody` itself: templates
    /// find members by name, and an `@AlwaysPresent` member's storage is named `_rejectionReason`.
    struct StrategyHeading: Sendable {
        let id: String
        let name: String
        let rejectionReason: String?
    }

    struct StrategyView: Sendable {
        let strategy: StrategyHeading
        let isSignals: Bool
        let isPublished: Bool
        /// Taken down by moderation: nothing can be changed any more, so no form is offered.
        let isFrozen: Bool
        let status: String
        let versions: [VersionRow]
        var problem: String?
        var fieldProblems = FieldProblems()
        let notice: String?
        /// The edit form's values: the strategy's own, or what the author typed when the API refused it.
        var editName: String
        var editDescription: String
    }

    struct VersionRow: Sendable {
        let number: Int
        let status: String
        let created: String
        let tradingMode: String?
        /// Nil rather than empty: an empty string is truthy to Mustache.
        let evaluators: String?
        let pairs: String?
        let rejectionReason: String?
        let warnings: [String]

        init(_ version: VersionBody) {
            number = version.number
            status = version.status.replacingOccurrences(of: "_", with: " ")
            created = DisplayDate.day(version.createdAt)
            tradingMode = version.summary.tradingMode
            evaluators = version.summary.evaluators.isEmpty ? nil : version.summary.evaluators.joined(separator: ", ")
            pairs = version.summary.pairs.isEmpty ? nil : version.summary.pairs.joined(separator: ", ")
            rejectionReason = version.rejectionReason
            warnings = version.warnings
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/editor") { request, _ in
            let session = try await kit.requireSession(request)
            let answer = try await kit.api.get("/v1/strategies", token: session.accessToken)
            guard answer.isSuccess else { throw PageError.forbidden(answer.problem.detail) }
            let rows = try answer.decode(Page<StrategyBody>.self).items.map(EditorRow.init)
            return kit.page("editor", title: "Editor", ListView(strategies: rows, isEmpty: rows.isEmpty), for: request, session: session)
        }
        router.get("/editor/new") { request, _ in
            let session = try await kit.requireSession(request)
            return kit.page("editor-new", title: "Publish a new strategy", NewView(isSignals: request.formQuery["kind"] == "signals"), for: request, session: session)
        }
        router.post("/editor/new") { request, _ in
            let session = try await kit.requireSession(request)
            let form = try await kit.multipartForm(request)
            return try await publish(form, session: session, request: request)
        }
        router.get("/editor/:id") { request, context in
            let session = try await kit.requireSession(request)
            let id = try StrategyPage.strategyId(context.parameters.get("id"))
            let view = try await strategyView(id, session: session, notice: request.formQuery["notice"].flatMap(Self.notice(for:)))
            return kit.page("editor-strategy", title: view.strategy.name, view, for: request, session: session)
        }
        router.post("/editor/:id/version") { request, context in
            let missing = FieldProblems(profile: "Choose the zip your OctoBot exported.")
            return try await sendFile("profile", request, context, missing: missing, notice: "uploaded") { id, zip, session in
                try await uploadVersion(id, zip, session: session)
            }
        }
        router.post("/editor/:id/logo") { request, context in
            try await sendFile("logo", request, context, missing: FieldProblems(logo: "Choose an image."), notice: "logo") { id, logo, session in
                try await kit.api.send(.PUT, "/v1/strategies/\(id)/logo", token: session.accessToken, bytes: logo.bytes, contentType: "application/octet-stream")
            }
        }
        router.post("/editor/:id/edit") { request, context in
            let session = try await kit.requireSession(request)
            let id = try StrategyPage.strategyId(context.parameters.get("id"))
            let form = try await kit.form(request)
            let answer = try await kit.api.patch(
                "/v1/strategies/\(id)", token: session.accessToken, json: ["name": form["name"] ?? "", "description": form["description"] ?? ""]
            )
            guard answer.isSuccess else {
                if answer.status == 404 { throw PageError.notFound }
                var view = try await strategyView(id, session: session, notice: nil)
                view.problem = answer.problem.errors == nil ? answer.problem.detail : "Please correct the fields below."
                view.fieldProblems = Self.problems(answer.problem, file: nil)
                view.editName = form["name"] ?? ""
                view.editDescription = form["description"] ?? ""
                return kit.page("editor-strategy", title: view.strategy.name, view, for: request, session: session, status: SignInPages.status(answer.problem))
            }
            return PageKit.redirect("/editor/\(id)?notice=edited")
        }
        router.post("/editor/:id/submit") { request, context in
            let session = try await kit.requireSession(request)
            let id = try StrategyPage.strategyId(context.parameters.get("id"))
            _ = try await kit.form(request)
            let answer = try await kit.api.post("/v1/strategies/\(id)/submit", token: session.accessToken)
            guard answer.isSuccess else {
                if answer.status == 404 { throw PageError.notFound }
                var view = try await strategyView(id, session: session, notice: nil)
                view.problem = answer.problem.detail
                return kit.page("editor-strategy", title: view.strategy.name, view, for: request, session: session, status: SignInPages.status(answer.problem))
            }
            return PageKit.redirect("/editor/\(id)?notice=submitted")
        }
    }

    /// Creates the strategy, then sends its logo and profile. A refused file leaves the draft,
    /// not public, on its own editor page with the reason, ready for another try.
    private func publish(_ form: MultipartForm, session: WebSession, request: Request) async throws -> Response {
        var view = NewView(
            name: form.fields["name"] ?? "", description: form.fields["description"] ?? "", isSignals: form.fields["kind"] == "signals",
            exchange: form.fields["exchange"] ?? "", pairs: form.fields["pairs"] ?? ""
        )
        if !view.isSignals, form.files["profile"] == nil {
            view.fieldProblems.profile = "Choose the zip your OctoBot exported (Profile → Export)."
            return kit.page("editor-new", title: "Publish a new strategy", view, for: request, session: session, status: .unprocessableContent)
        }
        var body: [String: any Sendable & Encodable] = ["name": view.name, "description": view.description, "kind": view.isSignals ? "signals" : "profile"]
        if view.isSignals {
            body["exchange"] = view.exchange.trimmingCharacters(in: .whitespaces)
            body["pairs"] = view.pairs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let created = try await kit.api.post("/v1/strategies", token: session.accessToken, json: body)
        guard created.isSuccess else {
            let problem = created.problem
            view.problem = problem.errors == nil ? problem.detail : "Please correct the fields below."
            view.fieldProblems = Self.problems(problem, file: nil)
            return kit.page("editor-new", title: "Publish a new strategy", view, for: request, session: session, status: SignInPages.status(problem))
        }
        let id = try created.decode(StrategyBody.self).id
        if let logo = form.files["logo"] {
            let answer = try await kit.api.send(.PUT, "/v1/strategies/\(id)/logo", token: session.accessToken, bytes: logo.bytes, contentType: "application/octet-stream")
            if !answer.isSuccess { return try await refused(id, session, request, Self.problems(answer.problem, file: "logo")) }
        }
        if view.isSignals {
            let submitted = try await kit.api.post("/v1/strategies/\(id)/submit", token: session.accessToken)
            if !submitted.isSuccess {
                var strategyView = try await strategyView(id, session: session, notice: nil)
                strategyView.problem = submitted.problem.detail
                return kit.page("editor-strategy", title: strategyView.strategy.name, strategyView, for: request, session: session, status: .unprocessableContent)
            }
        } else if let zip = form.files["profile"] {
            let answer = try await uploadVersion(id, zip, session: session)
            if !answer.isSuccess { return try await refused(id, session, request, Self.problems(answer.problem, file: "profile")) }
        }
        return PageKit.redirect("/editor/\(id)?notice=published")
    }

    private func uploadVersion(_ id: String, _ zip: MultipartForm.UploadedFile, session: WebSession) async throws -> AstrolabAPI.Answer {
        // The API sniffs nothing for zips: say what it is, whatever the browser guessed.
        try await kit.api.send(.POST, "/v1/strategies/\(id)/versions", token: session.accessToken, bytes: zip.bytes, contentType: "application/zip")
    }

    private func strategyView(_ id: String, session: WebSession, notice: String?) async throws -> StrategyView {
        let answer = try await kit.api.get("/v1/strategies/\(id)", token: session.accessToken)
        guard answer.isSuccess else { throw PageError.notFound }
        let strategy = try answer.decode(StrategyBody.self)
        guard strategy.author.id == session.userId.uuidString.lowercased() else { throw PageError.notFound }
        var versions: [VersionRow] = []
        if strategy.kind == "profile" {
            let listed = try await kit.api.get("/v1/strategies/\(id)/versions", token: session.accessToken)
            if listed.isSuccess {
                versions = try listed.decode(Page<VersionBody>.self).items.map(VersionRow.init)
            }
        }
        return StrategyView(
            strategy: StrategyHeading(id: strategy.id, name: strategy.name, rejectionReason: strategy.rejectionReason), isSignals: strategy.kind == "signals", isPublished: strategy.status == "published",
            isFrozen: strategy.isTakenDown, status: strategy.status.replacingOccurrences(of: "_", with: " "), versions: versions, notice: notice,
            editName: strategy.name, editDescription: strategy.description
        )
    }

    /// A file of the strategy's form (its profile zip, its logo), sent on to the API by `send`.
    /// Without the file, or refused by the API, the page comes back with the reason beside that
    /// field; sent, the page says `notice`.
    private func sendFile(
        _ field: String, _ request: Request, _ context: some RequestContext, missing: FieldProblems, notice: String,
        send: (_ id: String, _ file: MultipartForm.UploadedFile, _ session: WebSession) async throws -> AstrolabAPI.Answer
    ) async throws -> Response {
        let session = try await kit.requireSession(request)
        let id = try StrategyPage.strategyId(context.parameters.get("id"))
        let form = try await kit.multipartForm(request)
        guard let file = form.files[field] else { return try await refused(id, session, request, missing) }
        let answer = try await send(id, file, session)
        guard answer.isSuccess else { return try await refused(id, session, request, Self.problems(answer.problem, file: field)) }
        return PageKit.redirect("/editor/\(id)?notice=\(notice)")
    }

    private func refused(_ id: String, _ session: WebSession, _ request: Request, _ problems: FieldProblems) async throws -> Response {
        var view = try await strategyView(id, session: session, notice: nil)
        view.fieldProblems = problems
        view.problem = "Your strategy is saved as a draft (not public). Fix the file below and send it again."
        return kit.page("editor-strategy", title: view.strategy.name, view, for: request, session: session, status: .unprocessableContent)
    }

    /// The API's problem spread over the form's fields; `file` names the file field a whole-body problem belongs to.
    static func problems(_ problem: APIProblem, file: String?) -> FieldProblems {
        var problems = FieldProblems(
            name: problem.message(for: "name"), description: problem.message(for: "description"),
            exchange: problem.message(for: "exchange"), pairs: problem.message(for: "pairs")
        )
        switch file {
        case "logo": problems.logo = problem.detail
        case "profile":
            problems.profile = problem.detail
            problems.profileErrors = (problem.errors ?? []).map { error in
                [error.path, error.field].compactMap { $0 }.first.map { "\($0): \(error.message)" } ?? error.message
            }
        default: break
        }
        return problems
    }

    static func notice(for code: String) -> String? {
        switch code {
        case "published": "Sent for review: an admin checks every strategy before it goes public."
        case "uploaded": "The new version is waiting for review."
        case "logo": "The logo is saved (on a published strategy it shows after the next approval)."
        case "submitted": "Sent for review."
        case "edited": "Saved. On a published strategy, edits go live when the next review approves them."
        default: nil
        }
    }
}
