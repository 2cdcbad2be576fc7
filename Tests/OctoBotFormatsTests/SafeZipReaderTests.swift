import OctoBotFormats
import TestSupport
import Testing

@Suite("Reading untrusted zips")
struct SafeZipReaderTests {
    let limits = ZipLimits.profileUpload

    func problems(_ zip: [UInt8], limits: ZipLimits = .profileUpload) throws -> [ArchiveProblem] {
        try #require(throws: ArchiveRejected.self) { try SafeZipReader.files(in: zip, limits: limits) }.problems
    }

    @Test("an honest zip gives its files, directories left out")
    func honest() throws {
        let zip = try TestZips.zip([.directory("a/"), .file("a/b.json", Array("{}".utf8)), .file("c.txt", Array("hi".utf8), compressed: false)])
        let files = try SafeZipReader.files(in: zip, limits: limits)
        #expect(files == [ArchiveFile(path: "a/b.json", bytes: Array("{}".utf8)), ArchiveFile(path: "c.txt", bytes: Array("hi".utf8))])
    }

    @Test("bytes that are not a zip, and a zip without files, are refused")
    func notZip() throws {
        #expect(try problems(Array("PK but not really a zip archive".utf8)).map(\.message) == ["The body is not a zip archive."])
        #expect(try problems([]).map(\.message) == ["The body is not a zip archive."])
        #expect(try problems(TestZips.zip([])).map(\.message) == ["The zip holds no files."])
        #expect(try problems(TestZips.zip([.directory("empty/")])).map(\.message) == ["The zip holds no files."])
    }

    @Test("absolute paths, '..', backslashes and links are refused, each reported with its path")
    func hostilePaths() throws {
        let zip = try TestZips.zip([
            .file("profile.json", Array("{}".utf8)),
            .file("../evil", Array("x".utf8)),
            .file("/etc/passwd", Array("x".utf8)),
            .file("specific_config/../../up.json", Array("x".utf8)),
            .file("dir\\file.json", Array("x".utf8)),
            .symlink("link", target: "/etc/shadow"),
        ])
        let found = try problems(zip)
        #expect(Set(found.map(\.path)) == ["../evil", "/etc/passwd", "specific_config/../../up.json", "dir\\file.json", "link"])
        #expect(found.first { $0.path == "link" }?.message.contains("symbolic link") == true)
        #expect(found.first { $0.path == "/etc/passwd" }?.message.contains("absolute") == true)
        #expect(found.first { $0.path == "../evil" }?.message.contains("..") == true)
    }

    @Test("duplicate names are refused, also when they differ only in case")
    func duplicates() throws {
        let zip = try TestZips.zip([.file("profile.json", [0x7B, 0x7D]), .file("profile.json", [0x7B, 0x7D]), .file("A.json", []), .file("a.json", [])])
        #expect(Set(try problems(zip).map(\.path)) == ["profile.json", "a.json"])
    }

    @Test("encrypted entries are refused")
    func encrypted() throws {
        let zip = TestZips.markEncrypted(try TestZips.zip([.file("profile.json", Array("{}".utf8))]))
        #expect(try problems(zip).map(\.message) == ["is encrypted; upload the profile without a password"])
    }

    @Test("a zip bomb is refused from its headers before anything is inflated")
    func bombs() throws {
        // 6 MiB of zeros deflates to a few KiB: over the per-entry limit and the ratio.
        let big = try problems(TestZips.zip([.file("zeros.bin", [UInt8](repeating: 0, count: 6 << 20))]))
        #expect(big.count == 1)
        #expect(big.first?.message.contains("at most 5242880 are allowed per file") == true)
        // 4 MiB of zeros is under the per-entry limit but compresses about 1000:1.
        let dense = try problems(TestZips.zip([.file("zeros.bin", [UInt8](repeating: 0, count: 4 << 20))]))
        #expect(dense.first?.message.contains("compressed more than 100:1") == true)
        // Many honest-looking entries that together expand past the total.
        var tight = limits
        tight.maxTotalUncompressedBytes = 100_000
        let random = (0..<60_000).map { _ in UInt8.random(in: 0...255) }
        let total = try problems(TestZips.zip([.file("a.bin", random), .file("b.bin", random)]), limits: tight)
        #expect(total.map(\.path) == ["."])
    }

    @Test("a header that understates the inflated size is caught while inflating")
    func lyingHeader() throws {
        let honest = try TestZips.zip([.file("profile.json", Array(String(repeating: "{\"k\": 1}", count: 200).utf8))])
        let lying = TestZips.declaringUncompressedSize(100, in: honest)
        let found = try problems(lying)
        #expect(found.map(\.path) == ["profile.json"])
        #expect(found.first?.message.contains("does not expand to the size its header declares") == true)
    }

    @Test("entry count and compressed size limits")
    func counts() throws {
        var few = limits
        few.maxEntries = 3
        let zip = try TestZips.zip((0..<4).map { .file("f\($0).json", []) })
        #expect(try problems(zip, limits: few).map(\.message) == ["The zip has 4 entries; at most 3 are allowed."])
        var small = limits
        small.maxCompressedBytes = 10
        #expect(try problems(zip, limits: small).first?.message.contains("at most 10 are allowed") == true)
    }
}
