import HTTPTypes
import Hummingbird

extension Router where Context == AppRequestContext {
    /// The methods a path can be asked with; any of them that a path does not serve is a 405.
    /// (QUERY is the safe method with a body that the IETF is standardising; clients try it.)
    static let answeredMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")].compactMap { $0 }

    /// RFC 9110: a method the resource does not support is 405 with `Allow`, not 404. Added once
    /// every route is in place (`ServiceRuntime.makeApplication`), from the router's own table, so
    /// it can never disagree with the routes.
    func answerUnsupportedMethods() {
        var declared: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            declared[route.path.description, default: (route.path, [])].methods.insert(route.method)
        }
        for (path, methods) in declared.values {
            let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
            for method in Self.answeredMethods where !methods.contains(method) {
                on(path, method: method) { _, _ -> Response in
                    throw ProblemDetails.methodNotAllowed(allow: allow)
                }
            }
        }
    }
}
