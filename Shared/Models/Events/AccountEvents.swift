import Foundation

/// A new account exists.
public struct AccountRegistered: DomainEvent {
    public static let type = "account.registered"
    @LowercaseUUID public private(set) var userId: UUID
    public let displayName: String

    public init(userId: UUID, displayName: String) {
        self.userId = userId
        self.displayName = displayName
    }
}

/// A device was deleted: its MQTT sessions must end.
public struct DeviceDeleted: DomainEvent {
    public static let type = "device.deleted"
    @LowercaseUUID public private(set) var deviceId: UUID
    @LowercaseUUID public private(set) var userId: UUID

    public init(deviceId: UUID, userId: UUID) {
        self.deviceId = deviceId
        self.userId = userId
    }
}

/// An API key was revoked: every service must refuse it, and live sessions using it end.
public struct APIKeyRevoked: DomainEvent {
    public static let type = "api_key.revoked"
    @LowercaseUUID public private(set) var apiKeyId: UUID
    @LowercaseUUID public private(set) var userId: UUID

    public init(apiKeyId: UUID, userId: UUID) {
        self.apiKeyId = apiKeyId
        self.userId = userId
    }
}
