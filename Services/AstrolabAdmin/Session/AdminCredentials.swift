import Foundation

/// What `astrolab-admin login` keeps between commands: where the API is and the admin's tokens.
/// Stored as JSON readable by its owner only (0600), since the tokens act as the admin.
struct AdminCredentials: Codable, Equatable {
    var baseURL: String
    var email: String
    var accessToken: String
    var refreshToken: String

    /// `$ASTROLAB_ADMIN_CONFIG`, else `~/.config/astrolab/admin.json`.
    static var defaultPath: String {
        if let path = ProcessInfo.processInfo.environment["ASTROLAB_ADMIN_CONFIG"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/astrolab/admin.json").path
    }

    static func load(from path: String) throws -> AdminCredentials {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Not logged in: run `astrolab-admin login --url <edge> --email <admin email>` first.")
        }
        return try JSONDecoder().decode(AdminCredentials.self, from: data)
    }

    /// Writes to a temporary file created with mode 0600, then renames it into place, so the
    /// tokens are never readable by others, not even for a moment.
    func save(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard FileManager.default.createFile(atPath: temporary.path, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("Cannot write \(temporary.path).")
        }
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError("Cannot move the credentials into \(url.path).")
        }
    }
}

/// A failure explained to the person at the terminal.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
