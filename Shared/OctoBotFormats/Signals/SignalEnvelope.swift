import ExactJSON

/// A trading-signal feed envelope that passed validation (OCTOBOT.md §2):
/// `{"t": "t", "v": "1.0.0", "s": <SignalBundle>, "u": "<message id>"}`.
public struct SignalEnvelope: Sendable, Equatable {
    /// The envelope as it will be stored and relayed: the JSON sent, unknown keys and key order
    /// kept, whitespace removed.
    public let json: JSON
    /// `u`: the idempotency key followers de-duplicate on.
    public let messageId: String
    /// The canonical bytes: compact JSON of `json`. The hash chain is computed over these.
    public var canonicalBytes: [UInt8] { JSONWriter.bytes(json) }

    /// Validates `bytes` (an envelope, or a bare bundle that gets `t`, `v` and a new `u` from
    /// `makeMessageId`) for `strategyId`. Every problem is reported, with its JSON path.
    public static func validate(
        _ bytes: [UInt8], strategyId: String, makeMessageId: () -> String
    ) throws(SignalRejected) -> SignalEnvelope {
        let root: JSON
        do {
            root = try JSONParser.parse(bytes, maxDepth: 32)
        } catch {
            throw SignalRejected(malformed: "The body is not valid JSON: \(error)")
        }
        guard var envelope = root.objectValue else {
            throw SignalRejected([.init(path: "", message: "must be a JSON object (a feed envelope or a signal bundle)")])
        }
        var problems: [SignalProblem] = []
        if envelope["s"] == nil, envelope["identifier"] != nil {
            // A bare bundle: wrap it as the bot's own feed would.
            envelope = JSONObject([("t", "t"), ("v", "1.0.0"), ("s", root), ("u", .string(makeMessageId()))])
        } else {
            if envelope["t"] != "t" { problems.append(.init(path: "t", message: "must be \"t\" (trading signals)")) }
            if let version = envelope["v"]?.stringValue {
                if !SemanticVersion.isSupportedFeedVersion(version) { problems.append(.init(path: "v", message: "must be a version from 1.0.0 up to, not including, 2.0.0")) }
            } else {
                problems.append(.init(path: "v", message: "is required: the feed version, such as \"1.0.0\""))
            }
            if let u = envelope["u"]?.stringValue {
                if u.isEmpty || u.count > 128 { problems.append(.init(path: "u", message: "must be 1 to 128 characters")) }
            } else {
                problems.append(.init(path: "u", message: "is required: the unique message id"))
            }
        }
        if let bundle = envelope["s"] {
            SignalBundleRules.check(bundle, strategyId: strategyId, at: "s", problems: &problems)
        } else {
            problems.append(.init(path: "s", message: "is required: the signal bundle"))
        }
        guard problems.isEmpty, let messageId = envelope["u"]?.stringValue else { throw SignalRejected(problems) }
        return SignalEnvelope(json: .object(envelope), messageId: messageId)
    }
}

/// One problem with a signal, at a JSON path such as `s.signals[0].content.action`.
public struct SignalProblem: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A signal was refused. `malformed` is set when the body is not JSON at all.
public struct SignalRejected: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [SignalProblem]
    public let malformed: String?

    init(_ problems: [SignalProblem]) {
        self.problems = problems
        self.malformed = nil
    }

    init(malformed: String) {
        self.problems = []
        self.malformed = malformed
    }

    public var description: String { malformed ?? problems.map(\.description).joined(separator: "; ") }
}

/// `major.minor.patch` versions, compared numerically.
enum SemanticVersion {
    /// Followers accept 1.0.0 <= v < 2.0.0.
    static func isSupportedFeedVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy({ $0.isASCII && $0.isNumber }) && $0.count <= 9 }),
            let major = Int(parts[0])
        else { return false }
        return major == 1
    }
}
