import Foundation

/// Times as the bot writes them into its deployment's activities and as PostgREST shows a
/// `timestamp`: ISO 8601 in UTC, no offset, microseconds (`2026-12-01T06:58:29.910170`). An
/// offset (`Z`, `+02:00`) is also read.
public enum PostgRESTTimestamp {
    public static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        // yyyy-MM-ddTHH:mm:ss is 19 characters; the separators must be where they belong.
        guard scalars.count >= 19, scalars.count <= 40, scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"),
            scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " "),
            scalars[13] == UInt8(ascii: ":"), scalars[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard scalars[range].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            return Int(String(decoding: scalars[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }

        var index = 19
        var fraction = 0.0
        if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < scalars.count, scalars[index] >= UInt8(ascii: "0"), scalars[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > start, let value = Double("0." + String(decoding: scalars[start..<index], as: UTF8.self)) else { return nil }
            fraction = value
        }
        var offsetSeconds = 0
        if index < scalars.count {
            let rest = String(decoding: scalars[index...], as: UTF8.self)
            if rest == "Z" {
                offsetSeconds = 0
            } else {
                let sign = rest.first == "-" ? -1 : 1
                let digits = rest.dropFirst().filter { $0 != ":" }
                guard rest.first == "+" || rest.first == "-", digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2))
                else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let wholeSeconds = date.timeIntervalSince1970.rounded(.down)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: wholeSeconds))
        let micros = Int(((date.timeIntervalSince1970 - wholeSeconds) * 1_000_000).rounded(.down))
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))T"
            + "\(padded(parts.hour, 2)):\(padded(parts.minute, 2)):\(padded(parts.second, 2)).\(padded(micros, 6))"
    }
}
