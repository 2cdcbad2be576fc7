import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import Models
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@Suite("Strategy logos", .timeLimit(.minutes(3)))
struct LogoTests {
    /// The PNG signature and a few bytes: enough to be recognised as a PNG.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46]
    static let webp: [UInt8] = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8)

    @Test("PNG, JPEG and WebP are recognised from their bytes and served with an ETag")
    func roundTrip() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            for (bytes, type) in [(Self.jpeg, "image/jpeg"), (Self.webp, "image/webp"), (Self.png, "image/png")] {
                // The declared type is ignored: the bytes decide.
                let put = try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: bytes, contentType: "application/octet-stream", token: author.token)
                #expect(put.status == .noContent, "\(put.bodyString)")
                let get = try await client.send(.get, "/v1/strategies/\(id)/logo", token: author.token)
                #expect(get.status == .ok)
                #expect(get.headers[.contentType] == type)
                #expect(get.bytes == bytes)
            }
            let get = try await client.send(.get, "/v1/strategies/\(id)/logo", token: author.token)
            let etag = try #require(get.headers[.eTag])
            #expect(etag == "\"\(ContentHash.sha256Hex(Self.png))\"")
            #expect(get.headers[.cacheControl] == "private, no-cache")
            let cached = try await client.send(.get, "/v1/strategies/\(id)/logo", token: author.token, headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)
            #expect(try await client.strategy(id, as: author).logoUrl == "/v1/strategies/\(id)/logo")
            // As the strategy: a draft's logo is not there for others.
            try await client.send(.get, "/v1/strategies/\(id)/logo").expectProblem(.notFound)
        }
    }

    @Test("bytes that are not an image are 415 whatever the header says; over 512 KiB is 413")
    func refused() async throws {
        let harness = try await ProfilesHarness.make()
        try await harness.app().test(.router) { client in
            let author = try await harness.user("Author")
            let id = try await client.createStrategyId(author)
            try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: Array("<svg onload=alert(1)>".utf8), contentType: "image/png", token: author.token)
                .expectProblem(.unsupportedMediaType)
            try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: [], contentType: "image/png", token: author.token)
                .expectProblem(.unsupportedMediaType)
            try await client.send(.put, "/v1/strategies/\(id)/logo", bytes: Self.png + [UInt8](repeating: 0, count: 512 * 1024), contentType: "image/png", token: author.token)
                .expectProblem(.contentTooLarge)
            try await client.send(.get, "/v1/strategies/\(id)/logo", token: author.token).expectProblem(.notFound)
            #expect(try await client.strategy(id, as: author).logoUrl == nil)
        }
    }
}
