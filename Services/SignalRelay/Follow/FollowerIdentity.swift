import Foundation
import Models
import ServiceKit

/// Who asks to follow or read a strategy's signals, as every relay path knows them: a user (by
/// token), a `signals:follow` API key (possibly limited to some strategies) or an MQTT device.
/// `viewer` is what `AccessPolicy` judges; the ids are kept on the follower's subscription so
/// that revoking the key or deleting the device ends it.
struct FollowerIdentity: Sendable {
    let userId: UUID
    let deviceId: UUID?
    let apiKeyId: UUID?
    let viewer: Viewer

    init(_ principal: Principal) {
        userId = principal.userId
        deviceId = nil
        if case .apiKey(let id, _, _) = principal.credential { apiKeyId = id } else { apiKeyId = nil }
        viewer = Viewer(principal)
    }

    /// A device follows as its owner.
    init(device: Device, isAdmin: Bool) {
        userId = device.userId
        deviceId = device.id
        apiKeyId = nil
        viewer = Viewer(userId: device.userId, isAdmin: isAdmin)
    }
}
