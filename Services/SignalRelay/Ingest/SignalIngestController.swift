import Foundation
import Hummingbird
import Models
import NIOCore
import OctoBotFormats
import ServiceKit

/// `POST /v1/signals/{strategyId}`: an emitting bot's API key (`signals:emit` naming the
/// strategy) sends a feed envelope or a bare bundle; 202 once the record is committed.
struct SignalIngestController: Sendable {
    static let maxBodyBytes = 256 * 1024

    let ingest: SignalIngest
    let strategies: any StrategyDirectory

    /// 503 with `Retry-After`: the log could not be written within the deadline.
    static let unavailable = ProblemDetails.unavailable("The signal log cannot be written right now; nothing was stored. Send the same signal (same u) again shortly.")

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(":strategyId") { request, context in
            guard let identity = context.identity else {
                throw ProblemDetails.unauthorized("Send Authorization: Bearer <API key with signals:emit>.")
            }
            let deadline = ingest.deadline()
            guard let strategyId = context.parameters.get("strategyId"), StrategyID.isValid(strategyId) else {
                throw ProblemDetails.notFound("No such strategy.")
            }
            let strategies = self.strategies
            guard let found = try await deadline.run({ try await strategies.find(id: strategyId) }) else { throw Self.unavailable }
            guard let strategy = found else { throw ProblemDetails.notFound("No such strategy.") }
            guard case .apiKey(_, let scopes, let strategyIds) = identity.credential, scopes.contains(.signalsEmit) else {
                throw ProblemDetails.forbidden("Emitting needs an API key with the signals:emit scope.")
            }
            guard strategyIds.contains(strategyId) else {
                throw ProblemDetails.forbidden("This API key may not emit to strategy \(strategyId).")
            }
            guard strategy.kind == .signals else {
                throw ProblemDetails.conflict("Strategy \(strategyId) shares a profile; only signal strategies have a signal log.")
            }
            guard let mediaType = request.mediaType, Request.isJSON(mediaType) else {
                throw ProblemDetails.unsupportedMediaType("Send the envelope as application/json.")
            }
            let body = try await request.collectBody(upTo: Self.maxBodyBytes)
            switch try await ingest.ingest(Array(body.readableBytesView), strategyId: strategyId, by: deadline) {
            case .appended(let record):
                return EditedResponse(status: .accepted, response: AcceptedSignal(record))
            case .duplicate(let record):
                return EditedResponse(status: .ok, response: AcceptedSignal(record))
            case .conflict:
                throw ProblemDetails.conflict("A different signal was already sent with this message id (u).")
            case .unavailable:
                throw Self.unavailable
            case .rateLimited(let wait):
                throw ProblemDetails.tooManyRequests(retryAfterSeconds: Int(wait.rounded(.up)), detail: "Too many signals for this strategy; slow down.")
            case .rejected(let rejected):
                if let malformed = rejected.malformed { throw ProblemDetails.malformed(malformed) }
                throw ProblemDetails.validation(rejected.problems.map { .init(field: $0.path, message: $0.message) }, detail: "The signal is not valid.")
            }
        }
    }
}

/// `{seq, messageId, hash, receivedAt}`.
struct AcceptedSignal: ResponseEncodable {
    let seq: Int64
    let messageId: String
    let hash: String
    let receivedAt: Date

    init(_ record: SignalRecord) {
        seq = record.seq
        messageId = record.messageId
        hash = SignalRecord.hex(record.hash)
        receivedAt = record.receivedAt
    }
}
