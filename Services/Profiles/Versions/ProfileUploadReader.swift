import Foundation
import Hummingbird
import Models
import NIOCore
import NIOPosix
import OctoBotFormats
import ServiceKit

/// Reads a profile zip from a request body and validates it. Inflating and checking a zip is
/// CPU work, so it runs on the NIO thread pool, never on an event loop or the cooperative pool.
struct ProfileUploadReader: Sendable {
    static let acceptedTypes: Set<String> = ["application/zip", "application/x-zip-compressed"]

    let limits: ZipLimits
    let threadPool: NIOThreadPool

    func read(_ request: Request) async throws -> ProfileUpload {
        guard let mediaType = request.mediaType, Self.acceptedTypes.contains(mediaType) else {
            throw ProblemDetails.unsupportedMediaType("Send the profile as application/zip, the file OctoBot exports.")
        }
        let body = try await request.collectBody(upTo: limits.maxCompressedBytes)
        let bytes = Array(body.readableBytesView)
        let limits = self.limits
        let validated: ValidatedProfile
        do {
            validated = try await threadPool.runIfActive { try ProfileArchive.validate(zip: bytes, limits: limits) }
        } catch let rejected as ArchiveRejected {
            throw ProblemDetails.validation(
                rejected.problems.map { .init(path: $0.path, message: $0.message) },
                detail: rejected.containsCredentials
                    ? "The profile contains credentials. Exchange API keys, secrets and passwords must never be shared: remove them and upload again."
                    : "The profile is not a valid OctoBot export; every problem found is listed in errors."
            )
        }
        let sha256 = ContentHash.sha256Hex(validated.zip)
        return ProfileUpload(zip: validated.zip, sha256: sha256, summary: validated.summary, warnings: validated.warnings)
    }
}
