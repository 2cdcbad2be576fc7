/// Writes `JSON` back to text, keeping key order and number text. `pretty` indents with four
/// spaces as OctoBot's own `json.dump(..., indent=4)` does, so rewritten files look familiar.
public enum JSONWriter {
    public static func bytes(_ value: JSON, pretty: Bool = false) -> [UInt8] {
        Array(text(value, pretty: pretty).utf8)
    }

    /// The same as a `String`, for frames and columns that take text.
    public static func text(_ value: JSON, pretty: Bool = false) -> String {
        var output = ""
        write(value, into: &output, indent: pretty ? 0 : nil)
        return output
    }

    private static func write(_ value: JSON, into output: inout String, indent: Int?) {
        switch value {
        case .null: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        case .number(let text): output += text
        case .string(let string): writeString(string, into: &output)
        case .array(let items):
            writeContainer(open: "[", close: "]", items, into: &output, indent: indent) { item, output, indent in
                write(item, into: &output, indent: indent)
            }
        case .object(let object):
            writeContainer(open: "{", close: "}", object.members, into: &output, indent: indent) { member, output, indent in
                writeString(member.key, into: &output)
                output += indent == nil ? ":" : ": "
                write(member.value, into: &output, indent: indent)
            }
        }
    }

    private static func writeContainer<Item>(
        open: String, close: String, _ items: [Item], into output: inout String, indent: Int?,
        writeItem: (Item, inout String, Int?) -> Void
    ) {
        output += open
        guard !items.isEmpty else {
            output += close
            return
        }
        let inner = indent.map { $0 + 4 }
        for (position, item) in items.enumerated() {
            if position > 0 { output += "," }
            if let inner { output += "\n" + String(repeating: " ", count: inner) }
            writeItem(item, &output, inner)
        }
        if let indent { output += "\n" + String(repeating: " ", count: indent) }
        output += close
    }

    private static func writeString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
