import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Models
import NIOCore
import PostgresNIO
import ServiceKit
import SignalStore

/// `GET /v1/signals/{id}?after=&limit=` for entitled readers, and `GET /v1/signals/{id}/head`,
/// the public commitment to a published strategy's log.
struct SignalHistoryController: Sendable {
    static let maxLimit = 500

    let signals: any SignalLog
    let policy: AccessPolicy

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(":strategyId/head") { _, context in
            let strategy = try await visibleStrategy(context)
            let head = try await signals.head(of: strategy.id)
            return HeadResponse(seq: head.seq, hash: SignalRecord.hex(head.hash))
        }
        group.get(":strategyId") { request, context in
            guard let identity = context.identity else { throw ProblemDetails.unauthorized("Sign in to read a strategy's signals.") }
            let strategy = try await visibleStrategy(context)
            guard case .allowed = try await policy.follow(strategy.id, as: Viewer(identity)) else {
                throw ProblemDetails.forbidden("Subscribe to the strategy to read its signals.")
            }
            let parameters = request.formQuery
            var errors: [ProblemDetails.FieldError] = []
            let after = parameters["after"].map { Int64($0) } ?? 0
            if after == nil || after.map({ $0 < 0 }) == true { errors.append(.init(field: "after", message: "must be a sequence number (0 or more)")) }
            let limit = parameters["limit"].map { Int($0) } ?? 100
            if limit == nil || limit.map({ $0 < 1 }) == true { errors.append(.init(field: "limit", message: "must be a positive integer")) }
            guard errors.isEmpty, let after, let limit else { throw ProblemDetails.validation(errors) }
            let page = min(limit, Self.maxLimit)
            let records = try await signals.records(of: strategy.id, after: after, limit: page)
            // Records are embedded as stored, byte for byte.
            var body = Array("{\"items\":[".utf8)
            for (index, record) in records.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += record.json
            }
            body += Array("],\"nextAfter\":\(records.count == page ? String(records.last?.seq ?? after) : "null")}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// Published strategies are visible to all; others to their author and admins (404 otherwise).
    private func visibleStrategy(_ context: AppRequestContext) async throws -> Strategy {
        guard let id = context.parameters.get("strategyId"),
            let strategy = try await policy.visibleStrategy(id, to: Viewer(context.identity))
        else { throw ProblemDetails.notFound("No such strategy.") }
        return strategy
    }
}

struct HeadResponse: ResponseEncodable {
    let seq: Int64
    let hash: String
}
