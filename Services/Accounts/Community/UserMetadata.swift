import Foundation
import ServiceKit

/// A user's free-form metadata as stored (`users.user_metadata`, a JSON object) and as GoTrue
/// clients read and write it.
enum UserMetadata {
    static func decode(_ json: String?) -> [String: JSONValue] {
        guard let json, case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else { return [:] }
        return members
    }

    static func encode(_ members: [String: JSONValue]) throws -> String {
        String(decoding: try JSONEncoder().encode(JSONValue.object(members)), as: UTF8.self)
    }
}
