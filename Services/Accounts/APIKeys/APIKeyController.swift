import AccountsStore
import Foundation
import Hummingbird
import Models
import ServiceKit

/// `/v1/api-keys`: a user's keys for their bots. The secret is shown once, at creation.
struct APIKeyController: Sendable {
    let apiKeys: any APIKeyRepository
    let authorship: any StrategyAuthorship
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post { request, context in
            let user = try context.requireUser()
            let body = try await request.decodeJSONBody(CreateAPIKeyRequest.self)
            if body.scopes.contains(.signalsEmit) {
                let authored = try await authorship.authoredStrategies(body.strategyIds, by: user.userId)
                let foreign = body.strategyIds.filter { !authored.contains($0) }
                guard foreign.isEmpty else {
                    throw ProblemDetails.forbidden(
                        "signals:emit keys may only name strategies you author; not yours: \(foreign.joined(separator: ", "))."
                    )
                }
            }
            let secret = SecretToken.generate(prefix: APIKeyFormat.prefix)
            let key = APIKey(
                id: UUID(), userId: user.userId, name: body.name,
                prefix: String(secret.value.prefix(APIKeyFormat.prefix.count + 6)),
                scopes: body.scopes, strategyIds: body.strategyIds, createdAt: clock.now()
            )
            try await apiKeys.create(key, secretHash: secret.hash)
            return EditedResponse(status: .created, response: APIKeyResponse(key, secret: secret.value))
        }
        group.get { _, context in
            let user = try context.requireUser()
            return ListResponse(items: try await apiKeys.list(userId: user.userId).map { APIKeyResponse($0) })
        }
        group.delete(":id") { _, context in
            let user = try context.requireUser()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
                try await apiKeys.revoke(id: id, userId: user.userId, at: clock.now())
            else {
                throw ProblemDetails.notFound("No such API key.")
            }
            return HTTPResponse.Status.noContent
        }
    }
}

/// `POST /v1/api-keys` body.
struct CreateAPIKeyRequest: JSONRequestBody {
    let name: String
    let scopes: [APIKeyScope]
    let strategyIds: [String]

    init(fields: inout JSONFields) {
        let name = fields.requiredString("name")?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.isEmpty || name.jsonLength > 64 { fields.reject("name", "must be 1 to 64 characters") }

        var scopes: [APIKeyScope] = []
        if let names = fields.requiredStringArray("scopes", maxCount: APIKeyScope.allCases.count) {
            for (index, scopeName) in names.enumerated() {
                if let scope = APIKeyScope(rawValue: scopeName) {
                    if !scopes.contains(scope) { scopes.append(scope) }
                } else {
                    let known = APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ")
                    fields.reject("scopes[\(index)]", "unknown scope '\(scopeName)'; known: \(known)")
                }
            }
            if names.isEmpty { fields.reject("scopes", "must name at least one scope") }
        }

        let strategyIds = fields.optionalStringArray("strategyIds") ?? []
        for (index, id) in strategyIds.enumerated() where !StrategyID.isValid(id) {
            fields.reject("strategyIds[\(index)]", "is not a strategy identifier")
        }
        if scopes.contains(.signalsEmit) && strategyIds.isEmpty {
            fields.reject("strategyIds", "signals:emit keys must name at least one strategy you author")
        }
        self.name = name ?? ""
        self.scopes = scopes
        var seen: Set<String> = []
        self.strategyIds = strategyIds.filter { seen.insert($0).inserted }
    }
}

/// An API key as the API shows it. `key`, the secret, is present only in the creation response.
struct APIKeyResponse: ResponseEncodable {
    let id: String
    let name: String
    let prefix: String
    let scopes: [String]
    let strategyIds: [String]
    let createdAt: Date
    let key: String?

    init(_ apiKey: APIKey, secret: String? = nil) {
        id = apiKey.id.uuidString.lowercased()
        name = apiKey.name
        prefix = apiKey.prefix
        scopes = apiKey.scopes.map(\.rawValue)
        strategyIds = apiKey.strategyIds
        createdAt = apiKey.createdAt
        key = secret
    }
}
