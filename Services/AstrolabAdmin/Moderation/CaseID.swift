import ArgumentParser
import Foundation

/// A case id as the commands take it.
enum CaseID {
    /// Refuses anything but a UUID before it becomes part of a URL path.
    static func validated(_ id: String) throws -> String {
        guard let uuid = UUID(uuidString: id) else { throw ValidationError("\(id) is not a case id (a UUID).") }
        return uuid.uuidString.lowercased()
    }
}
