import Foundation
import Logging
import PostgresNIO

/// A bot's device, read from the `devices` table (owned by the accounts service) by the relay,
/// which authenticates MQTT connections with it.
public protocol DeviceDirectory: Sendable {
    /// A device that is not deleted, by id (the MQTT username a bot connects with).
    func findActive(id: UUID) async throws -> Device?
}

public struct PostgresDeviceDirectory: DeviceDirectory {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func findActive(id: UUID) async throws -> Device? {
        let rows = try await client.query(
            "SELECT id, user_id, name, created_at FROM devices WHERE id = \(id) AND deleted_at IS NULL", logger: logger
        )
        for try await (id, userId, name, createdAt) in rows.decode((UUID, UUID, String, Date).self) {
            return Device(id: id, userId: userId, name: name, createdAt: createdAt)
        }
        return nil
    }
}
