import Hummingbird
import ServiceKit

/// `/v1/auth`: register, login, refresh, logout.
struct AuthController: Sendable {
    let sessions: SessionService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("register") { request, _ in
            let user = try await sessions.register(try await request.decodeJSONBody(RegisterRequest.self))
            return EditedResponse(status: .created, response: UserResponse(user))
        }
        group.post("login") { request, context in
            try await sessions.login(try await request.decodeJSONBody(LoginRequest.self), clientAddress: context.clientAddress).tokens
        }
        group.post("refresh") { request, _ in
            try await sessions.refresh(try await request.decodeJSONBody(RefreshTokenRequest.self).refreshToken).tokens
        }
        group.post("logout") { request, _ in
            try await sessions.logout(try await request.decodeJSONBody(RefreshTokenRequest.self).refreshToken)
            return HTTPResponse.Status.noContent
        }
    }
}
