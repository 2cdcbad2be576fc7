import ExactJSON
import Foundation

/// A list answer's items (`{"items": [...], "nextCursor": …}`) as `--json` prints them: each
/// object as the API wrote it (its members and their order, nulls, numbers' text, members this
/// CLI does not know), on one line, so `--json` says what the API said rather than what the CLI
/// decoded of it. The writer adds no whitespace and escapes line breaks inside strings, so an
/// item never spans two lines.
enum PageItemLines {
    static func json(of body: Data) throws -> [String] {
        guard let items = try JSONParser.parse(body)["items"]?.arrayValue else { throw CLIError("The API's answer has no list of items.") }
        return items.map { JSONWriter.text($0) }
    }
}
