import ExactJSON
import Foundation
import ServiceKit

/// `POST /rest/v1/bots`: the bot sends only `user_id` (its own); `name` is optional.
struct BotInsert: JSONRequestBody {
    let userId: UUID?
    let name: String?
    let unknownColumns: [String]

    init(fields: inout JSONFields) {
        unknownColumns = fields.names.filter { !["user_id", "name"].contains($0) }
        let user = fields.optionalString("user_id")
        if let user, UUID(uuidString: user) == nil { fields.reject("user_id", "must be a uuid") }
        userId = user.flatMap(UUID.init(uuidString:))
        name = BotFields.name(&fields)
    }
}

/// `PATCH /rest/v1/bots?id=eq.<id>`: the bot points its bot at the deployment it just made.
struct BotPatch: JSONRequestBody {
    let change: BotChange
    let unknownColumns: [String]

    init(fields: inout JSONFields) {
        unknownColumns = fields.names.filter { !["name", "current_deployment_id"].contains($0) }
        var change = BotChange()
        if fields.contains("name") { change.name = .some(BotFields.name(&fields)) }
        if fields.contains("current_deployment_id") {
            let id = fields.optionalString("current_deployment_id")
            if let id, UUID(uuidString: id) == nil { fields.reject("current_deployment_id", "must be a uuid") }
            change.currentDeploymentId = .some(id.flatMap(UUID.init(uuidString:)))
        }
        self.change = change
    }
}

/// `POST /rest/v1/bot_deployments`: `{"type","version","bot_id","activities"}`.
struct DeploymentInsert: JSONRequestBody {
    let botId: UUID
    let kind: BotDeployment.Kind
    let status: String
    let version: String?
    let lastActivity: Date?
    let nextActivity: Date?
    let unknownColumns: [String]

    init(fields: inout JSONFields) {
        unknownColumns = fields.names.filter { !["bot_id", "type", "status", "version", "activities"].contains($0) }
        let bot = fields.requiredString("bot_id")
        if let bot, UUID(uuidString: bot) == nil { fields.reject("bot_id", "must be a uuid") }
        botId = bot.flatMap(UUID.init(uuidString:)) ?? UUID()
        kind = BotFields.kind(&fields) ?? .selfHosted
        status = BotFields.status(&fields) ?? "created"
        version = BotFields.version(&fields)
        (lastActivity, nextActivity) = BotFields.activities(&fields)
    }
}

/// `PATCH /rest/v1/bot_deployments?id=eq.<id>`: the heartbeat (`activities`), or a new version or status.
struct DeploymentPatch: JSONRequestBody {
    let change: DeploymentChange
    let unknownColumns: [String]

    init(fields: inout JSONFields) {
        unknownColumns = fields.names.filter { !["status", "version", "activities"].contains($0) }
        var change = DeploymentChange()
        change.status = BotFields.status(&fields)
        if fields.contains("version") { change.version = .some(BotFields.version(&fields)) }
        if fields.contains("activities") {
            let (last, next) = BotFields.activities(&fields)
            change.lastActivity = .some(last)
            change.nextActivity = .some(next)
        }
        self.change = change
    }
}

/// The rules for each writable column, shared by inserts and patches.
enum BotFields {
    static let maximumTextLength = 128

    static func name(_ fields: inout JSONFields) -> String? {
        let name = fields.optionalString("name")
        if let name, name.jsonLength > maximumTextLength || name.containsControlCharacters {
            fields.reject("name", "must be at most \(maximumTextLength) characters, without control characters")
        }
        return name
    }

    static func version(_ fields: inout JSONFields) -> String? {
        let version = fields.optionalString("version")
        if let version, version.jsonLength > maximumTextLength || version.containsControlCharacters {
            fields.reject("version", "must be at most \(maximumTextLength) characters, without control characters")
        }
        return version
    }

    static func kind(_ fields: inout JSONFields) -> BotDeployment.Kind? {
        guard let type = fields.optionalString("type") else { return nil }
        guard let kind = BotDeployment.Kind(rawValue: type) else {
            fields.reject("type", "must be self_hosted or cloud")
            return nil
        }
        return kind
    }

    static func status(_ fields: inout JSONFields) -> String? {
        guard let status = fields.optionalString("status") else { return nil }
        guard BotDeployment.statuses.contains(status) else {
            fields.reject("status", "must be one of \(BotDeployment.statuses.sorted().joined(separator: ", "))")
            return nil
        }
        return status
    }

    /// `{"last_activity","next_activity"}`, each a time or null.
    static func activities(_ fields: inout JSONFields) -> (last: Date?, next: Date?) {
        guard let activities = fields.optionalObject("activities") else { return (nil, nil) }
        func time(_ key: String) -> Date? {
            switch activities[key] {
            case nil, .null?: return nil
            case .string(let text)?:
                guard let date = PostgRESTTimestamp.parse(text) else {
                    fields.reject("activities.\(key)", "must be an ISO 8601 time")
                    return nil
                }
                return date
            case let other?:
                fields.reject("activities.\(key)", "must be an ISO 8601 time, got \(other.typeName)")
                return nil
            }
        }
        return (time("last_activity"), time("next_activity"))
    }
}
