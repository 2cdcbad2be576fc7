import ExactJSON

/// A user's free-form metadata as stored (`users.user_metadata`, a JSON object) and as GoTrue
/// clients read and write it.
enum UserMetadata {
    static func decode(_ json: String?) -> JSONObject {
        guard let json, let members = (try? JSONParser.parse(Array(json.utf8)))?.objectValue else { return JSONObject() }
        return members
    }

    static func encode(_ members: JSONObject) -> String {
        JSONWriter.text(.object(members))
    }
}
