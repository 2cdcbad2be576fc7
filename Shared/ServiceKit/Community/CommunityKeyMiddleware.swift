import Crypto
import Foundation
import Hummingbird

/// Refuses community API requests that do not carry this installation's public key, as
/// Supabase's gateway does: the key tells a bot it reached the installation it was configured
/// for. Header names are case-insensitive (the bot sends `apiKey`); `?apikey=` also works, as
/// with Supabase.
public struct CommunityKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let publicKey: String

    public init(publicKey: String) {
        self.publicKey = publicKey
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = request.headers[.apiKey] ?? request.formQuery["apikey"] else {
            throw ProblemDetails.unauthorized("No API key found in request: send this installation's public key as the apikey header.")
                .coded("no_api_key")
        }
        guard Self.equalInConstantTime(presented, publicKey) else {
            throw ProblemDetails.unauthorized("Invalid API key: use the public key this installation shows at GET /v1/community.")
                .coded("invalid_api_key")
        }
        return try await next(request, context)
    }

    /// The key is public, but comparing digests keeps timing from telling anything anyway.
    static func equalInConstantTime(_ lhs: String, _ rhs: String) -> Bool {
        SHA256.hash(data: Data(lhs.utf8)) == SHA256.hash(data: Data(rhs.utf8))
    }
}
