import Foundation
import ZIPFoundation

/// A regular file read from a zip, with its path inside the archive.
public struct ArchiveFile: Sendable, Equatable {
    public let path: String
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// Reads an untrusted zip in memory, refusing anything that could hurt whoever unpacks it:
/// too many or too large entries, compression bombs, absolute or `..` paths, links, duplicate
/// names (also differing only in case, which collide on macOS and Windows), encryption. Every
/// problem found is reported together. Declared sizes are checked first and the real inflated
/// bytes again while reading, since a hostile header can lie.
public enum SafeZipReader {
    public static func files(in bytes: [UInt8], limits: ZipLimits) throws(ArchiveRejected) -> [ArchiveFile] {
        guard bytes.count <= limits.maxCompressedBytes else {
            throw ArchiveRejected("The zip is \(bytes.count) bytes; at most \(limits.maxCompressedBytes) are allowed.")
        }
        let directory = try ZipDirectory(bytes)
        guard directory.entries.count <= limits.maxEntries else {
            throw ArchiveRejected("The zip has \(directory.entries.count) entries; at most \(limits.maxEntries) are allowed.")
        }
        try checkEntries(directory.entries, limits: limits)
        let files = try inflate(bytes, directory: directory, limits: limits)
        guard !files.isEmpty else { throw ArchiveRejected("The zip holds no files.") }
        return files
    }

    private static func checkEntries(_ entries: [ZipDirectory.Entry], limits: ZipLimits) throws(ArchiveRejected) {
        var problems: [ArchiveProblem] = []
        var seen: Set<String> = []
        var declaredTotal: UInt64 = 0
        for entry in entries {
            let path = entry.name ?? String(decoding: entry.rawName, as: UTF8.self)
            func problem(_ message: String) { problems.append(ArchiveProblem(path: path, message: message)) }
            guard let name = entry.name else {
                problem("the entry name is not valid UTF-8")
                continue
            }
            if let message = pathProblem(name) { problem(message) }
            if entry.isSymlink { problem("is a symbolic link; links are not allowed") }
            if entry.isEncrypted { problem("is encrypted; upload the profile without a password") }
            if entry.method != 0, entry.method != 8 {
                problem("uses compression method \(entry.method); only stored and deflate are supported")
            }
            let key = (name.hasSuffix("/") ? String(name.dropLast()) : name).lowercased()
            if !seen.insert(key).inserted { problem("appears more than once in the zip") }
            guard !entry.isDirectory else { continue }
            if entry.uncompressedSize > UInt64(limits.maxEntryUncompressedBytes) {
                problem("expands to \(entry.uncompressedSize) bytes; at most \(limits.maxEntryUncompressedBytes) are allowed per file")
            } else if exceedsRatio(uncompressed: entry.uncompressedSize, compressed: entry.compressedSize, limits: limits) {
                problem("is compressed more than \(limits.maxCompressionRatio):1, which only a zip bomb does")
            }
            declaredTotal += entry.uncompressedSize
        }
        if declaredTotal > UInt64(limits.maxTotalUncompressedBytes) {
            problems.append(
                ArchiveProblem(
                    path: ArchiveProblem.archivePath,
                    message: "The files expand to \(declaredTotal) bytes in total; at most \(limits.maxTotalUncompressedBytes) are allowed."
                )
            )
        }
        guard problems.isEmpty else { throw ArchiveRejected(problems) }
    }

    /// Why `name` is not a safe relative path, or nil when it is.
    static func pathProblem(_ name: String) -> String? {
        if name.isEmpty { return "has an empty name" }
        if name.contains("\\") { return "uses backslashes in its path; zip paths use '/'" }
        if name.hasPrefix("/") || name.dropFirst().hasPrefix(":") { return "is an absolute path" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "has control characters in its name"
        }
        let segments = (name.hasSuffix("/") ? String(name.dropLast()) : name).split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains("..") { return "points outside the archive with '..'" }
        if segments.contains(where: { $0.isEmpty || $0 == "." }) { return "has empty or '.' segments in its path" }
        return nil
    }

    private static func exceedsRatio(uncompressed: UInt64, compressed: UInt64, limits: ZipLimits) -> Bool {
        // Tiny files may compress "infinitely" well (an empty file); only ratios on real data count.
        guard uncompressed > 4096 else { return false }
        return uncompressed > compressed * UInt64(limits.maxCompressionRatio)
    }

    private struct Overflow: Error {}

    /// Inflates every regular file, refusing any whose real size differs from its header's.
    private static func inflate(_ bytes: [UInt8], directory: ZipDirectory, limits: ZipLimits) throws(ArchiveRejected) -> [ArchiveFile] {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw ArchiveRejected("The zip archive cannot be read: \(error).")
        }
        let readable = Array(archive)
        guard readable.count == directory.entries.count else {
            throw ArchiveRejected("The zip's entries cannot all be read; the archive is corrupt.")
        }
        var files: [ArchiveFile] = []
        var problems: [ArchiveProblem] = []
        for (entry, header) in zip(readable, directory.entries) where !header.isDirectory {
            let path = header.name ?? ""
            let declared = Int(header.uncompressedSize)
            var content: [UInt8] = []
            content.reserveCapacity(declared)
            do {
                _ = try archive.extract(entry) { chunk in
                    guard content.count + chunk.count <= declared else { throw Overflow() }
                    content.append(contentsOf: chunk)
                }
                guard content.count == declared else { throw Overflow() }
                files.append(ArchiveFile(path: path, bytes: content))
            } catch is Overflow {
                problems.append(ArchiveProblem(path: path, message: "does not expand to the size its header declares; the archive is corrupt or hostile"))
            } catch {
                problems.append(ArchiveProblem(path: path, message: "cannot be read: \(error)"))
            }
        }
        guard problems.isEmpty else { throw ArchiveRejected(problems) }
        return files
    }
}
