import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import PostgresNIO
import OctoBotFormats
import TestSupport
import Testing

@Suite("Profile uploads", .timeLimit(.minutes(5)))
struct UploadTests {
    @Test(
        "every fixture profile and the real export upload with the right summary",
        arguments: OctoBotFixtures.profileNames.map { ($0, false) } + [("exports/daily_trading_export.zip", true)]
    )
    func fixtures(name: String, isExport: Bool) async throws {
        let harness = try await ProfilesHarness.make()
        let zip = isExport ? try OctoBotFixtures.data(name) : try TestZips.profile(name)
        let expected = try ProfileArchive.validate(zip: zip)
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            let response = try await client.upload(zip, to: id, as: author)
            #expect(response.status == .created, "\(response.bodyString)")
            let version = try response.decode(VersionBody.self)
            #expect(version.number == 1)
            #expect(version.status == "pending_review")
            let summary = version.summary
            #expect(summary.tradingMode == expected.summary.tradingMode)
            #expect(summary.evaluators == expected.summary.evaluators)
            #expect(summary.exchanges == ["binance"])
            #expect(summary.pairs == expected.summary.pairs)
            #expect(summary.referenceMarket == "USDT")

            // sha256 and sizeBytes describe exactly the stored bytes, which are served back.
            let stored = try await client.send(.get, "/v1/strategies/\(id)/versions/1/profile.zip", token: author.token)
            #expect(stored.status == .ok)
            #expect(stored.headers[.contentType] == "application/zip")
            #expect(version.sha256 == ContentHash.sha256Hex(stored.bytes))
            #expect(version.sizeBytes == stored.bytes.count)
            #expect(stored.headers[.eTag] == "\"\(ContentHash.sha256Hex(stored.bytes))\"")
            let files = try SafeZipReader.files(in: stored.bytes, limits: .profileUpload)
            #expect(files.contains { $0.path == "profile.json" } && files.allSatisfy { !$0.path.hasPrefix("/") })

            #expect(try await client.strategy(id, as: author).status == "pending_review")
            #expect(try await harness.outboxCount("strategy.version_submitted") == 1)
        }
    }

    /// A zip that is wrong in one way, what the answer must be, and a word the 422 must contain.
    struct BadUpload: CustomTestStringConvertible, Sendable {
        let name: String
        let zip: @Sendable () throws -> [UInt8]
        let status: HTTPResponse.Status
        let path: String?
        var testDescription: String { name }
    }

    static let validProfile = OctoBotFormatsFixtures.validProfileJSON
    static let tentacles = OctoBotFormatsFixtures.tentacles

    static let badUploads: [BadUpload] = [
        BadUpload(name: "not a zip", zip: { Array("just some text, not a zip".utf8) }, status: .unprocessableContent, path: "."),
        BadUpload(name: "empty zip", zip: { try TestZips.zip([]) }, status: .unprocessableContent, path: "."),
        BadUpload(name: "missing profile.json", zip: { try TestZips.profile(files: ["tentacles_config.json": tentacles]) }, status: .unprocessableContent, path: "profile.json"),
        BadUpload(name: "invalid JSON", zip: { try TestZips.profile(files: ["profile.json": "{\"config\": ", "tentacles_config.json": tentacles]) }, status: .unprocessableContent, path: "profile.json"),
        BadUpload(
            name: "unknown key in exchanges",
            zip: { try TestZips.profile(files: ["profile.json": validProfile.replacingOccurrences(of: #"{"enabled": true}"#, with: #"{"enabled": true, "testnet": true}"#), "tentacles_config.json": tentacles]) },
            status: .unprocessableContent, path: "profile.json"
        ),
        BadUpload(
            name: "missing trader-simulator",
            zip: { try TestZips.profile(files: ["profile.json": validProfile.replacingOccurrences(of: OctoBotFormatsFixtures.simulator, with: ""), "tentacles_config.json": tentacles]) },
            status: .unprocessableContent, path: "profile.json"
        ),
        BadUpload(
            name: "two trading modes",
            zip: { try TestZips.profile(files: ["profile.json": validProfile, "tentacles_config.json": #"{"tentacle_activation": {"Trading": {"DailyTradingMode": true, "GridTradingMode": true}}}"#]) },
            status: .unprocessableContent, path: "tentacles_config.json"
        ),
        BadUpload(
            name: "API keys in the profile",
            zip: { try TestZips.profile(files: ["profile.json": validProfile.replacingOccurrences(of: #"{"enabled": true}"#, with: #"{"enabled": true, "api-key": "k", "api-secret": "s"}"#), "tentacles_config.json": tentacles]) },
            status: .unprocessableContent, path: "profile.json"
        ),
        BadUpload(
            name: "zip bomb", zip: { try TestZips.zip([.file("profile.json", Array(validProfile.utf8)), .file("bomb.bin", [UInt8](repeating: 0, count: 6 << 20))]) },
            status: .unprocessableContent, path: "bomb.bin"
        ),
        BadUpload(name: "../evil entry", zip: { try TestZips.zip([.file("profile.json", Array(validProfile.utf8)), .file("../evil", [1])]) }, status: .unprocessableContent, path: "../evil"),
        BadUpload(name: "/etc/passwd entry", zip: { try TestZips.zip([.file("profile.json", Array(validProfile.utf8)), .file("/etc/passwd", [1])]) }, status: .unprocessableContent, path: "/etc/passwd"),
        BadUpload(name: "symlink entry", zip: { try TestZips.zip([.file("profile.json", Array(validProfile.utf8)), .symlink("avatar.png", target: "/etc/passwd")]) }, status: .unprocessableContent, path: "avatar.png"),
        BadUpload(name: "11 MiB upload", zip: { [UInt8](repeating: 7, count: 11 << 20) }, status: .contentTooLarge, path: nil),
    ]

    @Test("bad uploads get a precise answer and store nothing", arguments: badUploads)
    func rejected(_ bad: BadUpload) async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            let problem = try await client.upload(try bad.zip(), to: id, as: author).expectProblem(bad.status)
            if let path = bad.path {
                let errors = try #require(problem.errors, "\(problem)")
                #expect(errors.contains { $0.path == path }, "\(errors)")
            }
            if bad.name == "API keys in the profile" {
                #expect(problem.detail.contains("must never be shared"))
            }
            try await expectNothingStored(harness, strategyId: id, client: client, author: author)
        }
    }

    @Test("a body that is not application/zip is 415, and stores nothing")
    func wrongContentType() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            let zip = try TestZips.profile("daily_trading")
            try await client.upload(zip, to: id, as: author, contentType: "application/json").expectProblem(.unsupportedMediaType)
            try await client.upload(zip, to: id, as: author, contentType: nil).expectProblem(.unsupportedMediaType)
            try await expectNothingStored(harness, strategyId: id, client: client, author: author)
            #expect(try await client.upload(zip, to: id, as: author, contentType: "application/zip; charset=binary").status == .created)
        }
    }

    @Test("a profile under a top folder is re-rooted with a warning; disabled exchanges are stripped")
    func normalised() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            let response = try await client.upload(try TestZips.profile("grid_trading", under: "grid_trading/"), to: id, as: author)
            #expect(response.status == .created)
            let warnings = try response.decode(VersionBody.self).warnings
            #expect(warnings.contains { $0.contains("moved to the zip root") })
            let stored = try await client.send(.get, "/v1/strategies/\(id)/versions/1/profile.zip", token: author.token)
            #expect(try SafeZipReader.files(in: stored.bytes, limits: .profileUpload).allSatisfy { !$0.path.hasPrefix("grid_trading/") })
        }
    }

    @Test("versions are numbered, identical uploads share one stored zip, and a newer upload supersedes a waiting one")
    func versioning() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            let zip = try TestZips.profile("simple_dca")
            #expect(try await client.upload(zip, to: id, as: author).status == .created)
            let second = try await client.upload(zip, to: id, as: author).decode(VersionBody.self)
            #expect(second.number == 2)
            #expect(try await harness.database.count("SELECT count(*)::int FROM profile_blobs") == 1)
            let listed = try await client.send(.get, "/v1/strategies/\(id)/versions", token: author.token)
            let page = try listed.decode(Page<VersionBody>.self)
            #expect(page.items.map(\.number) == [2, 1])
            #expect(page.items.map(\.status) == ["pending_review", "superseded"])
            #expect(page.nextCursor == nil)
        }
    }

    @Test("only the author uploads, and only to a profile strategy")
    func onlyAuthorAndProfileKind() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let admin = try await harness.user("Admin", admin: true)
            let id = try await client.createStrategyId(author)
            let zip = try TestZips.profile("daily_trading")
            try await client.upload(zip, to: id, as: admin).expectProblem(.forbidden)
            try await client.send(.post, "/v1/strategies/\(id)/versions", bytes: zip, contentType: "application/zip").expectProblem(.unauthorized)
            let signals = try await client.createStrategyId(author, kind: "signals", exchange: "binance", pairs: ["BTC/USDT"])
            try await client.upload(zip, to: signals, as: author).expectProblem(.conflict)
            try await client.send(.get, "/v1/strategies/\(id)/versions/1/profile.zip", token: author.token).expectProblem(.notFound)
        }
    }

    func expectNothingStored(_ harness: ProfilesHarness, strategyId: String, client: some TestClientProtocol, author: TestUser) async throws {
        #expect(try await harness.database.count("SELECT count(*)::int FROM strategy_versions") == 0)
        #expect(try await harness.database.count("SELECT count(*)::int FROM profile_blobs") == 0)
        #expect(try await harness.outboxCount("strategy.version_submitted") == 0)
        #expect(try await client.strategy(strategyId, as: author).status == "draft")
    }
}

/// Hand-written profile files for tests that need one thing wrong.
enum OctoBotFormatsFixtures {
    static let simulator = #""trader-simulator": {"enabled": true, "fees": {"maker": 0.1, "taker": 0.1}, "starting-portfolio": {"USDT": 1000}},"#
    static let validProfileJSON = """
        {"profile": {"id": "p1", "name": "P", "avatar": null},
         "config": {"crypto-currencies": {"Bitcoin": {"enabled": true, "pairs": ["BTC/USDT"]}},
                    "exchanges": {"binance": {"enabled": true}},
                    "trader": {"enabled": false},
                    \(simulator)
                    "trading": {"reference-market": "USDT", "risk": 0.5}}}
        """
    static let tentacles = #"{"tentacle_activation": {"Trading": {"DailyTradingMode": true}}}"#
}
