import APIShapes
import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceKit

/// Admin `Moderation`: the queue of open cases (kept current by the event stream, without
/// reloading), a case with its automated checks and what the profile contains, approve with an
/// optional note, reject with a reason (taking a published strategy down is on its own page).
/// Anyone else gets a 403 page.
struct ModerationPages: Sendable {
    let kit: PageKit

    struct QueueView: Sendable {
        let cases: [CaseRow]
        let isEmpty: Bool
        let notice: String?
    }

    struct CaseRow: Sendable {
        let id: String
        let strategyId: String
        let strategyName: String
        let subject: String
        let opened: String

        init(_ data: CaseBody) {
            id = data.id
            strategyId = data.strategyId
            strategyName = data.strategyName
            subject = data.subject == "version" ? "profile version \(data.version ?? 0)" : "listing"
            opened = DisplayDate.instant(data.openedAt)
        }
    }

    /// The case's own members its page shows. Not `CaseBody` itself: templates find members by
    /// name, and an `@AlwaysPresent` member's storage is named `_version`, `_note`, `_reason`.
    struct CaseHeading: Sendable {
        let id: String
        let strategyName: String
        let subject: String
        let version: Int?
        let status: String
        let note: String?
        let reason: String?

        init(_ reviewCase: CaseBody) {
            id = reviewCase.id
            strategyName = reviewCase.strategyName
            subject = reviewCase.subject
            version = reviewCase.version
            status = reviewCase.status
            note = reviewCase.note
            reason = reviewCase.reason
        }
    }

    struct CaseView: Sendable {
        let reviewCase: CaseHeading
        let isOpen: Bool
        let checks: [CheckRow]
        let strategy: StrategyDetails?
        let contents: EditorPages.VersionRow?
        var problem: String?
        /// What the admin typed, kept when the API refused it (not the case's own `reason`/`note`).
        var typedReason = ""
        var typedNote = ""
    }

    struct CheckRow: Sendable {
        let name: String
        let passed: Bool
        let detail: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/moderation") { request, _ in
            let session = try await requireAdmin(request)
            let answer = try await kit.api.get("/v1/moderation/cases?status=open&limit=100", token: session.accessToken)
            guard answer.isSuccess else { throw PageError.forbidden(answer.problem.detail) }
            let rows = try answer.decode(Page<CaseBody>.self).items.map(CaseRow.init)
            let view = QueueView(cases: rows, isEmpty: rows.isEmpty, notice: request.formQuery["notice"].flatMap(Self.notice(for:)))
            return kit.page("moderation", title: "Moderation", view, for: request, session: session)
        }
        // The API's event stream, relayed with the admin's token: browsers cannot give EventSource a bearer.
        router.get("/moderation/events") { request, _ in
            let session = try await requireAdmin(request)
            var upstream = HTTPClientRequest(url: kit.api.baseURL + "/v1/moderation/events")
            upstream.headers.add(name: "Authorization", value: "Bearer \(session.accessToken)")
            upstream.headers.add(name: "Accept", value: "text/event-stream")
            if let last = request.headers[.lastEventID] { upstream.headers.add(name: "Last-Event-ID", value: last) }
            let response = try await kit.api.client.execute(upstream, timeout: .hours(24))
            guard response.status == .ok else { throw PageError.forbidden("The event stream is not available.") }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .accelBuffering: "no"],
                body: ResponseBody(asyncSequence: Self.relayed(response.body))
            )
        }
        router.get("/moderation/cases/:id") { request, context in
            let session = try await requireAdmin(request)
            let view = try await caseView(try Self.caseId(context.parameters.get("id")), session: session)
            return kit.page("moderation-case", title: "Review: \(view.reviewCase.strategyName)", view, for: request, session: session)
        }
        router.post("/moderation/cases/:id/approve") { request, context in
            try await decide(request, context.parameters.get("id"), action: "approve")
        }
        router.post("/moderation/cases/:id/reject") { request, context in
            try await decide(request, context.parameters.get("id"), action: "reject")
        }
    }

    private func decide(_ request: Request, _ rawId: String?, action: String) async throws -> Response {
        let session = try await requireAdmin(request)
        let id = try Self.caseId(rawId)
        let form = try await kit.form(request)
        let body: [String: any Sendable & Encodable] = action == "approve"
            ? (form["note"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : ["note": $0] } ?? [:])
            : ["reason": form["reason"] ?? ""]
        let answer = try await kit.api.post("/v1/moderation/cases/\(id)/\(action)", token: session.accessToken, json: body)
        guard answer.isSuccess else {
            if answer.status == 404 { throw PageError.notFound }
            var view = try await caseView(id, session: session)
            let problem = answer.problem
            view.problem = problem.message(for: "reason").map { "The reason \($0)." } ?? problem.detail
            view.typedReason = form["reason"] ?? ""
            view.typedNote = form["note"] ?? ""
            return kit.page("moderation-case", title: "Review: \(view.reviewCase.strategyName)", view, for: request, session: session, status: SignInPages.status(problem))
        }
        return PageKit.redirect("/moderation?notice=\(action == "approve" ? "approved" : "rejected")")
    }

    private func caseView(_ id: String, session: WebSession) async throws -> CaseView {
        let answer = try await kit.api.get("/v1/moderation/cases/\(id)", token: session.accessToken)
        guard answer.isSuccess else { throw PageError.notFound }
        let reviewCase = try answer.decode(CaseBody.self)
        let strategyAnswer = try await kit.api.get("/v1/strategies/\(reviewCase.strategyId)", token: session.accessToken)
        let strategy = strategyAnswer.isSuccess ? try strategyAnswer.decode(StrategyBody.self) : nil
        var contents: EditorPages.VersionRow?
        if let number = reviewCase.version {
            let versions = try await kit.api.get("/v1/strategies/\(reviewCase.strategyId)/versions", token: session.accessToken)
            if versions.isSuccess, let version = try versions.decode(Page<VersionBody>.self).items.first(where: { $0.number == number }) {
                contents = EditorPages.VersionRow(version)
            }
        }
        return CaseView(
            reviewCase: CaseHeading(reviewCase), isOpen: reviewCase.status == "open",
            checks: reviewCase.checks.map { CheckRow(name: $0.name, passed: $0.passed, detail: $0.detail) },
            strategy: strategy.map(StrategyDetails.init), contents: contents
        )
    }

    /// The upstream body read by one task of its own and handed over through a stream: the HTTP
    /// client's body sequence must not be iterated by the server's writer directly (AsyncHTTPClient
    /// traps when a proxied body is abandoned mid-stream, hummingbird-examples#156). When the
    /// browser goes away the stream ends and the upstream request is cancelled.
    static func relayed(_ body: HTTPClientResponse.Body) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            let reader = Task {
                do {
                    for try await chunk in body { continuation.yield(chunk) }
                } catch {}
                continuation.finish()
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }

    private func requireAdmin(_ request: Request) async throws -> WebSession {
        let session = try await kit.requireSession(request)
        guard session.isAdmin else { throw PageError.forbidden("Only admins review strategies.") }
        return session
    }

    static func caseId(_ raw: String?) throws -> String {
        guard let id = raw.flatMap(UUID.init(uuidString:)) else { throw PageError.notFound }
        return id.uuidString.lowercased()
    }

    static func notice(for code: String) -> String? {
        switch code {
        case "approved": "Approved: the strategy is public."
        case "rejected": "Rejected: the author sees your reason."
        case "taken-down": "Taken down: it leaves the catalog and its subscriptions end within seconds; the author sees your reason."
        default: nil
        }
    }
}
