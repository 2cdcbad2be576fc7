import APIShapes
import HTTPTypes
import HummingbirdTesting
import Testing

/// Profile-service flows driven like a client would (used by every suite that needs strategies).
extension TestClientProtocol {
    public func createStrategy(
        _ user: TestUser, name: String = "BTC dip hunter", description: String = "Buys the dips.", kind: String = "profile",
        exchange: String? = nil, pairs: [String]? = nil
    ) async throws -> StrategyBody {
        var body: [String: Any] = ["name": name, "description": description, "kind": kind]
        if let exchange { body["exchange"] = exchange }
        if let pairs { body["pairs"] = pairs }
        let response = try await send(.post, "/v1/strategies", json: body, token: user.token)
        #expect(response.status == .created, "create strategy: \(response.bodyString)")
        return try response.decode(StrategyBody.self)
    }

    public func createStrategyId(
        _ user: TestUser, name: String = "BTC dip hunter", kind: String = "profile", exchange: String? = nil, pairs: [String]? = nil
    ) async throws -> String {
        try await createStrategy(user, name: name, kind: kind, exchange: exchange, pairs: pairs).id
    }

    public func upload(_ zip: [UInt8], to strategyId: String, as user: TestUser, contentType: String? = "application/zip") async throws -> TestResponse {
        try await send(.post, "/v1/strategies/\(strategyId)/versions", bytes: zip, contentType: contentType, token: user.token)
    }

    public func strategy(_ id: String, as user: TestUser?) async throws -> StrategyBody {
        let response = try await send(.get, "/v1/strategies/\(id)", token: user?.token)
        #expect(response.status == .ok, "get strategy: \(response.bodyString)")
        return try response.decode(StrategyBody.self)
    }
}
