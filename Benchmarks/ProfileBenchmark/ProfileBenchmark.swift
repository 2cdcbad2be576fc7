import ArgumentParser
import Foundation
import Histogram
import OctoBotFormats

/// Measures profile validation (unzip with limits, JSON and schema checks, credential scan,
/// normalised re-zip): the CPU work behind every upload.
@main
struct ProfileBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile-benchmark",
        abstract: "Times OctoBot profile validation for the largest fixture and for a 10 MiB profile."
    )

    @Option(help: "The OctoBot fixtures folder (Tests/Fixtures/octobot in the repository).")
    var fixtures = "Tests/Fixtures/octobot"

    @Option(help: "Validations per case.")
    var iterations = 200

    func run() throws {
        let root = URL(fileURLWithPath: fixtures)
        let largest = try largestFixture(in: root.appendingPathComponent("profiles"))
        try measure("fixture \(largest.name) (\(largest.zip.count) bytes zipped)", zip: largest.zip, iterations: iterations)
        let big = try tenMebibyteProfile(basedOn: largest.files)
        try measure("10 MiB profile (\(big.count) bytes zipped)", zip: big, iterations: max(5, iterations / 20))
    }

    private func measure(_ label: String, zip: [UInt8], iterations: Int) throws {
        _ = try ProfileArchive.validate(zip: zip)  // warm up
        // Microseconds, up to a minute.
        var samples = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            _ = try ProfileArchive.validate(zip: zip)
            let elapsed = ContinuousClock.now - start
            _ = samples.record(UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
        }
        func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        let mean = samples.mean / 1000
        print(String(format: "%@: %d runs, mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f MB/s",
                     label, samples.totalCount, mean, ms(samples.valueAtPercentile(50)), ms(samples.valueAtPercentile(99)), ms(samples.max),
                     Double(zip.count) / 1e6 / (mean / 1000)))
    }

    /// The fixture profile folder with the most bytes, zipped as OctoBot exports it.
    private func largestFixture(in folder: URL) throws -> (name: String, files: [ArchiveFile], zip: [UInt8]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        var best: (name: String, files: [ArchiveFile], zip: [UInt8])?
        for name in names {
            let files = try filesOf(folder.appendingPathComponent(name))
            let zip = try ZipBuilder.zip(files)
            if zip.count > best?.zip.count ?? 0 { best = (name, files, zip) }
        }
        guard let best else { throw ValidationError("no profiles under \(folder.path)") }
        return best
    }

    private func filesOf(_ folder: URL) throws -> [ArchiveFile] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [ArchiveFile] = []
        for case let url as URL in enumerator where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            let path = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            files.append(ArchiveFile(path: path, bytes: Array(try Data(contentsOf: url))))
        }
        return files
    }

    /// The fixture plus two incompressible 4.9 MiB files: a zip just under the 10 MiB upload limit.
    private func tenMebibyteProfile(basedOn files: [ArchiveFile]) throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let noise = { (0..<(4_900 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        return try ZipBuilder.zip(files + [ArchiveFile(path: "backtesting/data-1.bin", bytes: noise()), ArchiveFile(path: "backtesting/data-2.bin", bytes: noise())])
    }
}
