import ExactJSON

/// The signal relay's shapes (API.md §Signals), as its clients decode them; named `…Body` so they
/// never meet the domain types (`Models.SignalRecord`, `OctoBotFormats.SignalEnvelope`). Sequence
/// numbers are `Int`, as clients count them.
public struct SignalRecordBody: Decodable, Sendable {
    public let strategyId: String
    public let seq: Int
    public let messageId: String
    public let receivedAt: String
    /// Hex sha256 of `prevHash ‖ envelope`.
    public let hash: String
    /// The hash of the record before, or 64 zeros for the first.
    public let prevHash: String
    public let envelope: SignalEnvelopeBody
}

/// A feed envelope as a bot reads it (also the MQTT payload). The relay keeps unknown keys, key
/// order and number text; what goes through a `Decoder` keeps none of those, so a test about
/// them reads the envelope's bytes itself.
public struct SignalEnvelopeBody: Decodable, Sendable {
    /// The signal bundle: `identifier`, the strategy it belongs to, and its signals (1 to 100).
    public struct SignalBundle: Decodable, Sendable {
        public let identifier: String
        /// Open-ended (unknown keys are kept, `topic` and `content` are OctoBot's), so each stays
        /// JSON: a reader picks what it shows.
        public let signals: [JSON]
    }

    /// `"t"`: trading signals.
    public let t: String
    /// The feed version, `1.x.y`.
    public let v: String
    public let s: SignalBundle
    /// The message id followers de-duplicate on.
    public let u: String
}

/// `GET /v1/signals/{strategyId}?after=&limit=`: records in `seq` order. Not a `Page`: the log
/// pages by sequence number, and `nextAfter` (the `after` of the next page) is null on the last.
public struct SignalHistoryBody: Decodable, Sendable {
    public let items: [SignalRecordBody]
    @AlwaysPresent public var nextAfter: Int?
}

/// The answer to an emit: 202 for a new record, 200 with the original for the same `u`.
public struct AcceptedSignalBody: Decodable, Sendable {
    public let seq: Int
    public let messageId: String
    public let hash: String
    public let receivedAt: String
}

/// `GET /v1/signals/{id}/head`: `{0, 64 zeros}` for an empty log.
public struct SignalHeadBody: Decodable, Sendable {
    public let seq: Int
    public let hash: String
}

/// A frame the relay sends on `/v1/signals/stream`. `type` says which members it has:
/// `subscribed` (`strategyId`, `headSeq`), `signal` (`record`), `unsubscribed` (`strategyId`,
/// `reason`), `error` (`strategyId`, possibly null, `code`, `message`); the others are absent.
public struct SignalFrameBody: Decodable, Sendable {
    public let type: String
    public let strategyId: String?
    public let headSeq: Int?
    public let record: SignalRecordBody?
    /// `subscription_ended`.
    public let reason: String?
    /// `bad_request`, `not_found` or `not_entitled`.
    public let code: String?
    public let message: String?
}
