import APIShapes
import ExactJSON
import Foundation
import ServiceKit

/// A signal strategy's recent signals as its page shows them to those who may read the log
/// (its subscribers, its author, admins), with the log's head: the chain's end to check against.
struct SignalHistory: Sendable {
    /// One signal as the page lists it (and as the live feed adds it, so both read the same).
    struct Row: Sendable {
        let seq: Int
        let received: String
        let summary: String

        init(_ record: SignalRecordBody) {
            seq = record.seq
            received = DisplayDate.instant(record.receivedAt)
            summary = SignalHistory.summary(of: record.envelope.s.signals)
        }
    }

    let headSeq: Int
    let headHash: String
    let rows: [Row]
    let isEmpty: Bool

    static let shown = 20

    /// Nil when the user may not read the log (the API says 401/403/404).
    static func load(strategyId: String, token: String, api: AstrolabAPI) async throws -> SignalHistory? {
        let head = try await api.get("/v1/signals/\(strategyId)/head", token: token)
        guard head.isSuccess else { return nil }
        let end = try head.decode(SignalHeadBody.self)
        let history = try await api.get("/v1/signals/\(strategyId)?after=\(max(0, end.seq - shown))&limit=\(shown)", token: token)
        guard history.isSuccess else { return nil }
        let rows = try history.decode(SignalHistoryBody.self).items.reversed().map(Row.init)
        return SignalHistory(headSeq: end.seq, headHash: end.hash, rows: rows, isEmpty: rows.isEmpty)
    }

    /// `create buy BTC/USDT 5%; cancel …`: each signal's action, side, symbol and amount.
    static func summary(of signals: [JSON]) -> String {
        signals.map { signal -> String in
            guard let content = signal["content"]?.objectValue else { return "?" }
            return ["action", "side", "symbol", "target_amount", "leverage"].compactMap { key -> String? in
                switch content[key] {
                case .string(let text)?: text
                case .number(let number)?: key == "leverage" ? "×\(number)" : number
                default: nil
                }
            }.joined(separator: " ")
        }.joined(separator: "; ")
    }
}
