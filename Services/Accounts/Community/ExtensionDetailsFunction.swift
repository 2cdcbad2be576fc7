import AccountsStore
import Foundation
import Hummingbird
import Models
import ServiceKit

/// `POST /functions/v1/os-paid-package-api`: the edge function a stock OctoBot calls at every
/// start for its "extension details". Its one use here is the MQTT device id, which the bot
/// only learns from this answer (and saves as `community.mqtt_uuid`). Astrolab sells no
/// packages, so the lists are empty (non-empty ones would switch on paid features in the bot).
struct ExtensionDetailsFunction: Sendable {
    let devices: any DeviceRepository
    let clock: any WallClock

    static let deviceName = "OctoBot (community login)"

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("os-paid-package-api") { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(ExtensionDetailsRequest.self)
            let device = try await device(for: user.userId, saved: body.mqttId)
            return FunctionMessage(message: try ExtensionDetails(mqttId: device.id.uuidString.lowercased()).json())
        }
    }

    /// The saved device when it is still the caller's; otherwise a new one. Never another
    /// user's: a bot that signs in to a different account gets a device of that account.
    private func device(for userId: UUID, saved: UUID?) async throws -> Device {
        if let saved, let device = try await devices.findActive(id: saved), device.userId == userId {
            return device
        }
        let device = Device(id: UUID(), userId: userId, name: Self.deviceName, createdAt: clock.now())
        try await devices.create(device)
        return device
    }
}

/// The function's body: `action` must be `get_extension_details` (the bot's checkout and
/// other actions concern paid packages); `mqtt_id` is the saved device id or null.
struct ExtensionDetailsRequest: JSONRequestBody {
    let mqttId: UUID?

    init(fields: inout JSONFields) {
        if let action = fields.requiredString("action"), action != "get_extension_details" {
            fields.reject("action", "only get_extension_details is offered by this installation")
        }
        // A saved id that is not a uuid (hand-edited config) is treated like no id: a new device.
        mqttId = fields.optionalString("mqtt_id").flatMap(UUID.init(uuidString:))
    }
}

/// What the function answers: its payload as a JSON string inside `message`, as the cloud's does.
struct FunctionMessage: ResponseEncodable {
    let message: String
}

/// The bot requires every one of these members (`tradingview_email` present as null).
struct ExtensionDetails: Encodable {
    let paidPackageSlugs: [String] = []
    let packageURLs: [String] = []
    let mqttId: String
    @NullWhenAbsent var tradingviewEmail: String? = nil

    enum CodingKeys: String, CodingKey {
        case paidPackageSlugs = "paid_package_slugs", packageURLs = "package_urls", mqttId = "mqtt_id"
        case tradingviewEmail = "tradingview_email"
    }

    func json() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }
}
