import Models
import ServiceKit

/// Who may see or change a strategy, as HTTP answers: what `AccessPolicy` does not let a caller
/// see is 404, so nobody learns that a private thing exists.
struct StrategyAccess: Sendable {
    let policy: AccessPolicy

    /// The strategy if `principal` may see it; 404 otherwise.
    func visible(_ id: String?, to principal: Principal?) async throws -> Strategy {
        guard let strategy = try await policy.visibleStrategy(id, to: Viewer(principal)) else { throw ProblemDetails.notFound("No such strategy.") }
        return strategy
    }

    /// The strategy if `user` authors it and may still change it: 404 when they cannot see it,
    /// 403 when they can but it is not theirs, 409 once moderation took it down (that is final).
    func editable(_ id: String?, by user: Principal) async throws -> Strategy {
        let strategy = try await visible(id, to: user)
        guard strategy.author.id == user.userId else { throw ProblemDetails.forbidden("Only the strategy's author may change it.") }
        // Checked again under the row lock (`StrategyFrozen`); here it spares reading an upload.
        guard strategy.status != .takenDown else { throw ProblemDetails.conflict("\(StrategyFrozen().description) Reason: \(strategy.rejectionReason ?? "none given").") }
        return strategy
    }

    /// The strategy if `user` authors it or is an admin (versions and their zips).
    func authoredOrAdmin(_ id: String?, by user: Principal) async throws -> Strategy {
        let strategy = try await visible(id, to: user)
        guard strategy.isManaged(by: user) else {
            throw ProblemDetails.forbidden("Only the strategy's author and admins may see its versions.")
        }
        return strategy
    }
}

extension Strategy {
    /// Whether `principal` is its author or an admin: who sees pending edits and every version.
    func isManaged(by principal: Principal?) -> Bool {
        principal.map { $0.userId == author.id || $0.isAdmin } ?? false
    }
}
