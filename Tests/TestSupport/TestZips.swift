import Foundation
import ZIPFoundation

/// Builds zips for tests, including the hostile ones no honest tool writes.
public enum TestZips {
    public enum Entry {
        case file(String, [UInt8], compressed: Bool = true)
        case directory(String)
        case symlink(String, target: String)
    }

    public static func zip(_ entries: [Entry]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for entry in entries {
            switch entry {
            case .file(let path, let bytes, let compressed):
                let data = Data(bytes)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count),
                    compressionMethod: compressed ? .deflate : .none
                ) { (position: Int64, size: Int) in data.subdata(in: Int(position)..<Int(position) + size) }
            case .directory(let path):
                try archive.addEntry(with: path, type: .directory, uncompressedSize: 0) { (_: Int64, _: Int) in Data() }
            case .symlink(let path, let target):
                let data = Data(target.utf8)
                try archive.addEntry(with: path, type: .symlink, uncompressedSize: Int64(data.count)) { (position: Int64, size: Int) in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        }
        return Array(archive.data ?? Data())
    }

    /// A fixture profile folder zipped as OctoBot's export does: files at the root, with the
    /// `specific_config/` folder entry.
    public static func profile(_ name: String, under folder: String = "") throws -> [UInt8] {
        let files = try OctoBotFixtures.profileFiles(name)
        var entries: [Entry] = folder.isEmpty ? [] : [.directory(folder)]
        if files.contains(where: { $0.path.hasPrefix("specific_config/") }) { entries.append(.directory(folder + "specific_config/")) }
        entries += files.map { .file(folder + $0.path, $0.bytes) }
        return try zip(entries)
    }

    /// A profile whose files are given as JSON text, zipped at the root.
    public static func profile(files: [String: String], extra: [Entry] = []) throws -> [UInt8] {
        try zip(files.sorted { $0.key < $1.key }.map { .file($0.key, Array($0.value.utf8)) } + extra)
    }

    /// Sets the "encrypted" flag on every entry, in both the local and the central headers.
    public static func markEncrypted(_ zip: [UInt8]) -> [UInt8] {
        var bytes = zip
        for offset in 0..<(bytes.count - 4) {
            let signature = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            if signature == 0x0403_4b50 { bytes[offset + 6] |= 1 }
            if signature == 0x0201_4b50 { bytes[offset + 8] |= 1 }
        }
        return bytes
    }

    /// Rewrites every entry's declared uncompressed size (local and central headers) to `size`:
    /// a header that lies about what the data inflates to.
    public static func declaringUncompressedSize(_ size: UInt32, in zip: [UInt8]) -> [UInt8] {
        var bytes = zip
        func write(_ offset: Int) {
            for index in 0..<4 { bytes[offset + index] = UInt8((size >> (8 * UInt32(index))) & 0xFF) }
        }
        for offset in 0..<(bytes.count - 4) {
            let signature = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            if signature == 0x0403_4b50 { write(offset + 22) }
            if signature == 0x0201_4b50 { write(offset + 24) }
        }
        return bytes
    }
}
