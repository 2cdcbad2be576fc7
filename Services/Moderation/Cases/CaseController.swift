import Foundation
import Hummingbird
import Models
import ModerationStore
import ServiceKit

/// `/v1/moderation/cases`: admins list cases, read their checks, approve or reject.
struct CaseController: Sendable {
    static let maxPageSize = 100

    let cases: any ReviewCaseRepository
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { request, context in
            _ = try context.requireAdmin()
            let query = try CaseListQuery(request)
            let found = try await cases.list(status: query.status, after: query.after, limit: query.limit + 1)
            let page = Array(found.prefix(query.limit))
            let next = found.count > query.limit ? page.last.map(CaseListQuery.cursor(after:)) : nil
            return ListResponse(items: page.map(CaseResponse.init), nextCursor: next)
        }
        group.get(":id") { _, context in
            _ = try context.requireAdmin()
            return CaseResponse(try await find(context))
        }
        group.post(":id/approve") { request, context in
            let admin = try context.requireAdmin()
            let body = try await request.decodeOptionalJSONBody(ApproveRequest.self)
            return try await decide(context, .approve(note: body.note), by: admin)
        }
        group.post(":id/reject") { request, context in
            let admin = try context.requireAdmin()
            let body = try await request.decodeJSONBody(ReasonRequest.self)
            return try await decide(context, .reject(reason: body.reason), by: admin)
        }
    }

    private func find(_ context: AppRequestContext) async throws -> ReviewCase {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), let found = try await cases.find(id: id) else {
            throw ProblemDetails.notFound("No such review case.")
        }
        return found
    }

    private func decide(_ context: AppRequestContext, _ decision: ReviewDecision, by admin: Principal) async throws -> CaseResponse {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw ProblemDetails.notFound("No such review case.") }
        switch try await cases.decide(id: id, decision, moderatorId: admin.userId, at: clock.now()) {
        case .decided(let decided):
            return CaseResponse(decided)
        case .notOpen(let existing):
            throw ProblemDetails.conflict("The case is already \(existing.status.rawValue); it cannot be decided again.")
        case .notFound:
            throw ProblemDetails.notFound("No such review case.")
        }
    }
}

/// `?status=&limit=&cursor=` of the case list, oldest first.
struct CaseListQuery {
    let status: ReviewCase.Status?
    let limit: Int
    let after: (Int64, UUID)?

    init(_ request: Request) throws {
        let parameters = request.formQuery
        var errors: [ProblemDetails.FieldError] = []
        var status: ReviewCase.Status?
        if let text = parameters["status"], !text.isEmpty {
            status = ReviewCase.Status(rawValue: text)
            if status == nil { errors.append(.init(field: "status", message: "must be open, approved, rejected or superseded")) }
        }
        var limit = 20
        if let text = parameters["limit"] {
            if let value = Int(text), value >= 1 { limit = min(value, CaseController.maxPageSize) } else {
                errors.append(.init(field: "limit", message: "must be a positive integer"))
            }
        }
        var after: (Int64, UUID)?
        if let cursor = parameters["cursor"], !cursor.isEmpty {
            after = Self.parse(cursor)
            if after == nil { errors.append(.init(field: "cursor", message: "is not a cursor this listing gave out")) }
        }
        guard errors.isEmpty else { throw ProblemDetails.validation(errors, detail: "The case list query has invalid parameters.") }
        self.status = status
        self.limit = limit
        self.after = after
    }

    /// `<microseconds since 1970>_<case id>`: where the next page starts.
    static func cursor(after reviewCase: ReviewCase) -> String {
        "\(Microseconds.since1970(reviewCase.openedAt))_\(reviewCase.id.uuidString.lowercased())"
    }

    static func parse(_ cursor: String) -> (Int64, UUID)? {
        let parts = cursor.split(separator: "_")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        return (Microseconds.clampedToRows(micros), id)
    }
}
