/// Reads a zip's central directory straight from the bytes: names, flags, methods, declared sizes
/// and Unix modes. ZIPFoundation hides what the safety checks need (its entry iterator silently
/// stops at an encrypted entry), so the checks run on this first and ZIPFoundation only inflates.
struct ZipDirectory {
    struct Entry {
        let rawName: [UInt8]
        let name: String?
        let flags: UInt16
        let method: UInt16
        let compressedSize: UInt64
        let uncompressedSize: UInt64
        let madeByHost: UInt8
        let externalAttributes: UInt32

        var isEncrypted: Bool { flags & 0x1 != 0 }
        var isDirectory: Bool { name?.hasSuffix("/") ?? false }
        /// A symbolic link, as zip tools on Unix (host 3) record it in the mode bits.
        var isSymlink: Bool { madeByHost == 3 && (externalAttributes >> 16) & 0o170000 == 0o120000 }
    }

    let entries: [Entry]

    private static let endRecordSignature: UInt32 = 0x0605_4b50
    private static let centralHeaderSignature: UInt32 = 0x0201_4b50
    private static let endRecordSize = 22

    init(_ bytes: [UInt8]) throws(ArchiveRejected) {
        let notZip = ArchiveRejected("The body is not a zip archive.")
        guard bytes.count >= Self.endRecordSize else { throw notZip }
        // The end record sits in the last 22 bytes plus at most a 65,535-byte comment.
        let earliest = max(0, bytes.count - Self.endRecordSize - 0xFFFF)
        var end = bytes.count - Self.endRecordSize
        while end >= earliest, Self.uint32(bytes, end) != Self.endRecordSignature { end -= 1 }
        guard end >= earliest else { throw notZip }

        let disk = Self.uint16(bytes, end + 4)
        let directoryDisk = Self.uint16(bytes, end + 6)
        let count = Int(Self.uint16(bytes, end + 10))
        let directorySize = Int(Self.uint32(bytes, end + 12))
        let directoryOffset = Int(Self.uint32(bytes, end + 16))
        guard disk == 0, directoryDisk == 0 else { throw ArchiveRejected("Multi-part zip archives are not supported.") }
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF, directorySize != 0xFFFF_FFFF else {
            throw ArchiveRejected("ZIP64 archives are not supported: a profile is far smaller than 4 GiB.")
        }
        guard directoryOffset + directorySize <= end else { throw ArchiveRejected("The zip's central directory is corrupt.") }

        var entries: [Entry] = []
        var offset = directoryOffset
        for _ in 0..<count {
            guard offset + 46 <= end, Self.uint32(bytes, offset) == Self.centralHeaderSignature else {
                throw ArchiveRejected("The zip's central directory is corrupt.")
            }
            let nameLength = Int(Self.uint16(bytes, offset + 28))
            let extraLength = Int(Self.uint16(bytes, offset + 30))
            let commentLength = Int(Self.uint16(bytes, offset + 32))
            guard offset + 46 + nameLength <= end else { throw ArchiveRejected("The zip's central directory is corrupt.") }
            let rawName = Array(bytes[(offset + 46)..<(offset + 46 + nameLength)])
            entries.append(
                Entry(
                    rawName: rawName,
                    name: String(validating: rawName, as: UTF8.self),
                    flags: Self.uint16(bytes, offset + 8),
                    method: Self.uint16(bytes, offset + 10),
                    compressedSize: UInt64(Self.uint32(bytes, offset + 20)),
                    uncompressedSize: UInt64(Self.uint32(bytes, offset + 24)),
                    madeByHost: bytes[offset + 5],
                    externalAttributes: Self.uint32(bytes, offset + 38)
                )
            )
            offset += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(uint16(bytes, offset)) | UInt32(uint16(bytes, offset + 2)) << 16
    }
}
