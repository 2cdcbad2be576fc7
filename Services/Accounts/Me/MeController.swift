import AccountsStore
import Hummingbird
import Models
import ServiceKit

/// `GET /v1/me`: the signed-in user, read fresh (roles may have changed since the token).
struct MeController: Sendable {
    let users: any UserRepository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get { _, context in
            let principal = try context.requireUser()
            guard let user = try await users.find(id: principal.userId) else {
                throw ProblemDetails.unauthorized("This account no longer exists.")
            }
            return UserResponse(user)
        }
    }
}
