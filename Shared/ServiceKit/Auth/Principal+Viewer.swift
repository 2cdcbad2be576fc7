import Models

extension Viewer {
    /// The viewer `AccessPolicy` judges for an authenticated request, or an anonymous one.
    public init(_ principal: Principal?) {
        guard let principal else {
            self = .anonymous
            return
        }
        var grant: KeyGrant?
        if case .apiKey(_, let scopes, let strategyIds) = principal.credential {
            grant = KeyGrant(scopes: Set(scopes), strategyIds: strategyIds)
        }
        self.init(userId: principal.userId, isAdmin: principal.isAdmin, keyGrant: grant)
    }
}
