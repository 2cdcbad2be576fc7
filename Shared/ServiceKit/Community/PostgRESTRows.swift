import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A PostgREST answer: rows as a JSON array. Writes return them only when asked with
/// `Prefer: return=representation` (Supabase clients always ask); otherwise the status alone,
/// as PostgREST's default `return=minimal` does.
public struct PostgRESTRows<Row: Encodable & Sendable>: ResponseGenerator {
    let rows: [Row]
    let status: HTTPResponse.Status
    let representation: Bool

    /// Rows read (`GET`): always returned.
    public init(_ rows: [Row]) {
        self.rows = rows
        self.status = .ok
        self.representation = true
    }

    /// Rows written: returned when `request` prefers it.
    public init(_ rows: [Row], written status: HTTPResponse.Status, for request: Request) {
        self.rows = rows
        self.status = status
        self.representation = request.headers[.prefer]?.contains("return=representation") ?? false
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        guard representation else {
            return Response(status: status == .ok ? .noContent : status)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(rows)))
        )
    }
}

/// PostgREST's answers to requests this installation's tables cannot take.
public enum PostgRESTProblem {
    /// A body member that is not a writable column.
    public static func unknownColumns(_ names: [String], table: String) -> ProblemDetails? {
        guard let name = names.sorted().first else { return nil }
        return ProblemDetails(.badRequest, detail: "Could not find the '\(name)' column of '\(table)' in the schema cache", code: "PGRST204")
    }

    /// PATCH and DELETE must name their row: an unfiltered write would touch all of the caller's rows.
    public static func whereClauseRequired(_ verb: String) -> ProblemDetails {
        ProblemDetails(.badRequest, detail: "\(verb) requires a WHERE clause: filter with id=eq.<id>", code: "21000")
    }

    /// A row the caller may not write (another user's, or one naming another user).
    public static func rowLevelSecurity(table: String) -> ProblemDetails {
        ProblemDetails(.forbidden, detail: "new row violates row-level security policy for table \"\(table)\"", code: "42501")
    }

    public static func unknownTable(_ table: String) -> ProblemDetails {
        ProblemDetails(.notFound, detail: "Could not find the table 'public.\(table)' in the schema cache", code: "PGRST205")
    }

    public static func unknownFunction(_ name: String) -> ProblemDetails {
        ProblemDetails(.notFound, detail: "Could not find the function public.\(name) in the schema cache", code: "PGRST202")
    }
}
