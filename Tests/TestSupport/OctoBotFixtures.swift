import Foundation

/// The real OctoBot files in `Tests/Fixtures/octobot/` (made by OctoBot's own code; its README
/// says how). Tests fail loudly when a file is missing rather than skip.
public enum OctoBotFixtures {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// `Tests/Fixtures/octobot`, found from this source file's location.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/octobot")

    public static let profileNames = ["copy_trading", "daily_trading", "grid_trading", "signal_trading", "simple_dca", "tradingview_trading"]

    public static func data(_ relativePath: String) throws -> [UInt8] {
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Missing(description: "fixture \(url.path) is missing from Tests/Fixtures")
        }
        return Array(data)
    }

    /// The files of a profile folder, relative to it, in a stable order with `profile.json` first
    /// (the order OctoBot's export walks is not significant).
    public static func profileFiles(_ name: String) throws -> [(path: String, bytes: [UInt8])] {
        let folder = root.appendingPathComponent("profiles/\(name)")
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw Missing(description: "fixture folder \(folder.path) is missing from Tests/Fixtures")
        }
        var files: [(String, [UInt8])] = []
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            files.append((path, try data("profiles/\(name)/\(path)")))
        }
        guard !files.isEmpty else { throw Missing(description: "fixture folder \(folder.path) is empty") }
        return files.sorted { lhs, rhs in
            lhs.0 == "profile.json" || (rhs.0 != "profile.json" && lhs.0 < rhs.0)
        }
    }
}
