import ArgumentParser
import Foundation
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
        var samples: [Double] = []
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            _ = try ProfileArchive.validate(zip: zip)
            let elapsed = ContinuousClock.now - start
            samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        samples.sort()
        let mean = samples.reduce(0, +) / Double(samples.count)
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        print(String(format: "%@: %d runs, mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f MB/s",
                     label, samples.count, mean, percentile(0.5), percentile(0.99), samples.last ?? 0,
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
