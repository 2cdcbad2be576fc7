import Foundation

/// A bot installation; its `id` is the MQTT username the bot connects with.
public struct Device: Sendable, Equatable {
    public let id: UUID
    public let userId: UUID
    public let name: String
    public let createdAt: Date

    public init(id: UUID, userId: UUID, name: String, createdAt: Date) {
        self.id = id
        self.userId = userId
        self.name = name
        self.createdAt = createdAt
    }
}
