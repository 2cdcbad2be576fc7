import Foundation

/// Typed reads of environment variables, with errors that name the variable.
public struct EnvironmentReader: Sendable {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The value, or nil when unset or blank.
    public func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    public func string(_ name: String, default defaultValue: String) -> String {
        string(name) ?? defaultValue
    }

    public func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw Invalid(description: "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(raw)'")
        }
        return value
    }

    /// A PEM given inline (`NAME`, with `\n` for line breaks) or as a file path (`NAME_FILE`);
    /// the file wins when both are set.
    public func pem(_ name: String) throws -> String? {
        try fileOrValue(name) { $0 } ?? string(name).map { $0.replacingOccurrences(of: "\\n", with: "\n") }
    }

    /// A secret given inline (`NAME`) or as a file path (`NAME_FILE`, for Docker secrets), trimmed.
    public func secret(_ name: String) throws -> String? {
        try fileOrValue(name) { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? string(name)
    }

    /// A value a service cannot start without, read by `read` (`pem`, `secret`). When it is
    /// missing, the error says what `NAME_FILE` (or `NAME`) must hold and the command that makes one.
    public func required(_ name: String, _ read: (String) throws -> String?, holding what: String, makeOneWith command: String) throws -> String {
        guard let value = try read(name) else {
            throw Invalid(description: "\(name)_FILE (or \(name)) must hold \(what); make one with: \(command)")
        }
        return value
    }

    /// The contents of the file named by `NAME_FILE`, transformed, or nil when it is not set.
    private func fileOrValue(_ name: String, _ transform: (String) -> String) throws -> String? {
        guard let path = string("\(name)_FILE") else { return nil }
        do {
            return transform(try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw Invalid(description: "\(name)_FILE: cannot read \(path): \(error)")
        }
    }
}
