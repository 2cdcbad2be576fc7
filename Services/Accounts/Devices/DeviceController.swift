import AccountsStore
import Foundation
import Hummingbird
import Models
import ServiceKit

/// `/v1/devices`: a user's bots; a device id is the MQTT username a bot connects with.
struct DeviceController: Sendable {
    let devices: any DeviceRepository
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(CreateDeviceRequest.self)
            let device = Device(id: UUID(), userId: user.userId, name: body.name, createdAt: clock.now())
            try await devices.create(device)
            return EditedResponse(status: .created, response: DeviceResponse(device))
        }
        group.get { _, context in
            let user = try context.requireUser()
            return ListResponse(items: try await devices.list(userId: user.userId).map(DeviceResponse.init))
        }
        group.delete(":id") { _, context in
            let user = try context.requireUser()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                try await devices.delete(id: id, userId: user.userId, at: clock.now())
            else {
                throw ProblemDetails.notFound("No such device.")
            }
            return HTTPResponse.Status.noContent
        }
    }
}

/// `POST /v1/devices` body.
struct CreateDeviceRequest: JSONRequestBody {
    let name: String

    init(fields: inout JSONFields) {
        let name = fields.requiredString("name")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.isEmpty || name.jsonLength > 64 { fields.reject("name", "must be 1 to 64 characters") }
        self.name = name ?? ""
    }
}

struct DeviceResponse: ResponseEncodable {
    let id: String
    let name: String
    let createdAt: Date

    init(_ device: Device) {
        id = device.id.uuidString.lowercased()
        name = device.name
        createdAt = device.createdAt
    }
}
