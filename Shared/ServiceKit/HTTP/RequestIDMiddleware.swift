import HTTPTypes
import Hummingbird
import Logging

/// Gives every log line of a request the same id, taken from the edge's `X-Request-Id` when it
/// sent a sane one, and echoes it back so a user's bug report can be matched to the logs.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let incoming = request.headers[.requestID], Self.isAcceptable(incoming) {
            context.logger[metadataKey: "hb.request.id"] = .string(incoming)
        }
        let id = context.id
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    public static func isAcceptable(_ id: String) -> Bool {
        (1...128).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
