import AccountsStore
import Foundation
import Hummingbird
import Models
import ServiceKit

/// `/auth/v1`: the GoTrue endpoints a stock OctoBot logs in, refreshes, registers and logs out
/// with. The same accounts, passwords, throttle and refresh-token rotation as `/v1/auth`
/// (`SessionService`); only the shapes are GoTrue's.
struct GoTrueController: Sendable {
    let sessions: SessionService
    let users: any UserRepository
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("token") { request, context in
            switch request.formQuery["grant_type"] {
            case "password":
                let body = try await request.decodeJSONBody(PasswordGrantRequest.self)
                return try await goTrueSession(try await sessions.login(body.login, clientAddress: context.clientAddress))
            case "refresh_token":
                let body = try await request.decodeJSONBody(RefreshTokenGrantRequest.self)
                return try await goTrueSession(try await sessions.refresh(body.refreshToken))
            default:
                throw ProblemDetails.malformed("grant_type must be password or refresh_token").coded("unsupported_grant_type")
            }
        }
        group.post("signup") { request, _ in
            let body = try await request.decodeJSONBody(SignupRequest.self)
            let account = try body.registration.get()
            let user = try await sessions.register(account, metadataJSON: UserMetadata.encode(body.metadata))
            // Astrolab confirms no email, so signing up also signs in (GoTrue's "autoconfirm").
            return try await goTrueSession(try await sessions.startSession(for: user))
        }
        group.get("user") { _, context in
            let principal = try context.requireUser()
            guard let user = try await users.find(id: principal.userId) else {
                throw ProblemDetails.notFound("The account no longer exists.").coded("user_not_found")
            }
            return GoTrueUser(user, metadata: UserMetadata.decode(try await users.metadata(id: user.id)))
        }
        group.put("user") { request, context in
            let principal = try context.requireUser()
            let body = try await request.decodeJSONBody(UpdateUserRequest.self)
            let patch = UserMetadata.encode(body.metadataPatch)
            switch try await users.mergeMetadata(id: principal.userId, patchJSON: patch, maxBytes: UpdateUserRequest.maximumMetadataBytes) {
            case .merged(let user, let metadata):
                return GoTrueUser(user, metadata: UserMetadata.decode(metadata))
            case .tooLarge:
                throw ProblemDetails.validation(
                    [.init(field: "data", message: "would make the metadata larger than \(UpdateUserRequest.maximumMetadataBytes) bytes")]
                )
            case .noSuchUser:
                throw ProblemDetails.notFound("The account no longer exists.").coded("user_not_found")
            }
        }
        group.post("logout") { request, context in
            let principal = try context.requireUser()
            // GoTrue's other scopes end every session or all but this one; the bot only ends its own.
            guard (request.formQuery["scope"] ?? "local") == "local" else {
                throw ProblemDetails.malformed("scope must be local: log out of other sessions on Astrolab itself").coded("validation_failed")
            }
            if case .accessToken(_, let sessionId?) = principal.credential {
                try await sessions.logout(sessionId: sessionId, userId: principal.userId)
            }
            return HTTPResponse.Status.noContent
        }
    }

    private func goTrueSession(_ session: IssuedSession) async throws -> GoTrueSession {
        GoTrueSession(session, metadata: UserMetadata.decode(try await users.metadata(id: session.user.id)), issuedAt: clock.now())
    }
}
