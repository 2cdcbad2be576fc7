/// How much a zip may hold. OctoBot enforces no limit anywhere, so Astrolab must (API.md §Limits).
public struct ZipLimits: Sendable, Equatable {
    public var maxCompressedBytes: Int
    public var maxEntries: Int
    public var maxTotalUncompressedBytes: Int
    public var maxEntryUncompressedBytes: Int
    /// Uncompressed size over compressed size, per entry.
    public var maxCompressionRatio: Int

    public init(
        maxCompressedBytes: Int, maxEntries: Int, maxTotalUncompressedBytes: Int, maxEntryUncompressedBytes: Int,
        maxCompressionRatio: Int
    ) {
        self.maxCompressedBytes = maxCompressedBytes
        self.maxEntries = maxEntries
        self.maxTotalUncompressedBytes = maxTotalUncompressedBytes
        self.maxEntryUncompressedBytes = maxEntryUncompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
    }

    public static let profileUpload = ZipLimits(
        maxCompressedBytes: 10 << 20, maxEntries: 200, maxTotalUncompressedBytes: 50 << 20,
        maxEntryUncompressedBytes: 5 << 20, maxCompressionRatio: 100
    )
}

/// One problem with an upload, at a path inside the zip ("." for the archive as a whole).
public struct ArchiveProblem: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for callers that answer differently (a credential is not a format error).
    public enum Kind: Sendable, Equatable {
        /// Not a valid OctoBot export.
        case invalid
        /// A secret (an exchange key, a password) that must never be shared.
        case credential
    }

    public let path: String
    public let message: String
    public let kind: Kind

    public init(path: String, message: String, kind: Kind = .invalid) {
        self.path = path
        self.message = message
        self.kind = kind
    }

    public static let archivePath = "."

    public var description: String { "\(path): \(message)" }
}

/// An upload was refused; `problems` lists everything found, not only the first.
public struct ArchiveRejected: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [ArchiveProblem]

    public init(_ problems: [ArchiveProblem]) {
        self.problems = problems
    }

    /// Whether a problem is a credential in the profile.
    public var containsCredentials: Bool {
        problems.contains { $0.kind == .credential }
    }

    public init(path: String = ArchiveProblem.archivePath, _ message: String) {
        self.problems = [ArchiveProblem(path: path, message: message)]
    }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
