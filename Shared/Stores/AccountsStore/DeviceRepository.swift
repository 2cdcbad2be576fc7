import Foundation
import Logging
import Models
import PostgresNIO

/// Access to the `devices` table (owned by the accounts service; the relay reads it through `DeviceDirectory`).
public protocol DeviceRepository: DeviceDirectory {
    func create(_ device: Device) async throws
    /// The user's devices that are not deleted, newest first.
    func list(userId: UUID) async throws -> [Device]
    /// Deletes one of the user's own devices (emitting `device.deleted`); false when the user has no such device.
    func delete(id: UUID, userId: UUID, at: Date) async throws -> Bool
}

public struct PostgresDeviceRepository: DeviceRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(_ device: Device) async throws {
        try await client.query(
            """
            INSERT INTO devices (id, user_id, name, created_at)
            VALUES (\(device.id), \(device.userId), \(device.name), \(device.createdAt))
            """,
            logger: logger
        )
    }

    public func list(userId: UUID) async throws -> [Device] {
        let rows = try await client.query(
            """
            SELECT id, user_id, name, created_at FROM devices
            WHERE user_id = \(userId) AND deleted_at IS NULL
            ORDER BY created_at DESC, id
            """,
            logger: logger
        )
        var devices: [Device] = []
        for try await (id, userId, name, createdAt) in rows.decode((UUID, UUID, String, Date).self) {
            devices.append(Device(id: id, userId: userId, name: name, createdAt: createdAt))
        }
        return devices
    }

    public func delete(id: UUID, userId: UUID, at date: Date) async throws -> Bool {
        try await Outbox.change(
            "UPDATE devices SET deleted_at = \(date) WHERE id = \(id) AND user_id = \(userId) AND deleted_at IS NULL RETURNING id",
            announcing: DeviceDeleted(deviceId: id, userId: userId), occurredAt: date, client: client, logger: logger
        )
    }

    public func findActive(id: UUID) async throws -> Device? {
        try await PostgresDeviceDirectory(client: client, logger: logger).findActive(id: id)
    }
}
