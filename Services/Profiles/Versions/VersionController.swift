import Foundation
import HTTPTypes
import Hummingbird
import Models
import OctoBotFormats
import ServiceKit
import StrategyStore

/// `/v1/strategies/{id}/versions`: profile uploads, their history and stored zips.
struct VersionController: Sendable {
    let versions: any ProfileVersionRepository
    let access: StrategyAccess
    let uploads: ProfileUploadReader
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(":id/versions") { request, context in
            let user = try context.requireUser()
            let strategy = try await access.editable(context.parameters.get("id"), by: user)
            guard strategy.kind == .profile else {
                throw ProblemDetails.conflict("A signal strategy keeps its configuration private and has no uploaded profile.")
            }
            let upload = try await uploads.read(request)
            let version = try await versions.add(upload, to: strategy.id, at: clock.now())
            return EditedResponse(status: .created, response: VersionResponse(version))
        }
        // The public history is the approved versions; pending and rejected ones are the author's business.
        group.get(":id/versions") { _, context in
            let strategy = try await access.visible(context.parameters.get("id"), to: context.identity)
            let privileged = strategy.isManaged(by: context.identity)
            let listed = try await versions.list(strategyId: strategy.id).filter { privileged || $0.status == .approved }
            return ListResponse(items: listed.map(VersionResponse.init))
        }
        group.get(":id/versions/:number/profile.zip") { _, context in
            let user = try context.requireUser()
            let strategy = try await access.authoredOrAdmin(context.parameters.get("id"), by: user)
            guard let number = context.parameters.get("number").flatMap(Int.init),
                let zip = try await versions.zip(strategyId: strategy.id, number: number)
            else { throw ProblemDetails.notFound("No such version.") }
            return ZipResponse(bytes: zip, fileName: "\(strategy.slug)-v\(number).zip", cacheControl: "private, no-cache")
        }
    }
}

/// A version as API.md shows it.
struct VersionResponse: ResponseEncodable {
    let number: Int
    let status: String
    let sha256: String
    let sizeBytes: Int
    let summary: ProfileSummary
    let warnings: [String]
    @NullWhenAbsent var rejectionReason: String?
    let createdAt: Date
    @NullWhenAbsent var decidedAt: Date?

    init(_ version: ProfileVersion) {
        number = version.number
        status = version.status.rawValue
        sha256 = version.sha256
        sizeBytes = version.sizeBytes
        summary = version.summary
        warnings = version.warnings
        rejectionReason = version.rejectionReason
        createdAt = version.createdAt
        decidedAt = version.decidedAt
    }
}
