import Hummingbird
import Logging
import Models
import NIOCore
import PostgresNIO

/// Turns every error that escapes a handler (ours, Hummingbird's own 404 and 413, database
/// failures, anything unexpected) into problem+json, so clients only ever see one error shape
/// (on the community API paths, the Supabase shape that API's clients parse).
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, request: request)
            // Problems we raise on purpose are answers, not failures; anything else is a bug or an outage.
            if problem.status.code >= 500, !(error is ProblemDetails) {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            // The community API's clients parse their own error shapes (Supabase's).
            if let communityAPI = CommunityAPI(path: request.uri.path) {
                return communityAPI.response(for: problem)
            }
            return try problem.response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, request: Request) -> ProblemDetails {
        switch error {
        case let problem as ProblemDetails:
            return problem
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return .notFound("No endpoint answers \(request.method) \(request.uri.path).")
            case .contentTooLarge:
                return .tooLarge(limit: JSONBodyLimits.defaultMaxBytes)
            default:
                return ProblemDetails(error.status, detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
            }
        case let error as PostgresTransactionError:
            // A domain error thrown inside a transaction arrives wrapped; answer with what it meant.
            if let inner = error.closureError, !(inner is PSQLError) {
                return problem(for: inner, request: request)
            }
            return .unavailable("The database could not complete the request; try again shortly.")
        case let error as StrategyFrozen:
            return .conflict(error.description)
        case is StrategyNotFound:
            return .notFound("No such strategy.")
        case is NIOTooManyBytesError:
            return .tooLarge(limit: JSONBodyLimits.defaultMaxBytes)
        case is PSQLError, is PostgresDecodingError:
            return .unavailable("The database could not complete the request; try again shortly.")
        default:
            return .internalError
        }
    }
}
