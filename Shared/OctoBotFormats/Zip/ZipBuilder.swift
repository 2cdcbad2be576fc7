import Foundation
import ZIPFoundation

/// Writes files into a new zip in memory, at the root, in the order given. Timestamps are fixed,
/// so the same files always give the same bytes and the same sha256 (storage is content-addressed).
public enum ZipBuilder {
    /// 2020-01-01T00:00:00Z; any fixed date after 1980 (the zip epoch) would do.
    static let fixedDate = Date(timeIntervalSince1970: 1_577_836_800)

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func zip(_ files: [ArchiveFile]) throws(Failure) -> [UInt8] {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for file in files {
                let data = Data(file.bytes)
                try archive.addEntry(
                    with: file.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: fixedDate,
                    compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let bytes = archive.data else { throw Failure(description: "the in-memory archive has no data") }
            return Array(bytes)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot write the zip: \(error)")
        }
    }
}
