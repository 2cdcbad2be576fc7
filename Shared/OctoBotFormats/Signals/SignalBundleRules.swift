import ExactJSON

/// The rules a SignalBundle and its signals follow (OCTOBOT.md §2). Validation only checks
/// what followers rely on; it never rewrites, and unknown keys are kept.
enum SignalBundleRules {
    static let maxSignals = 100
    static let topics: Set<String> = ["orders", "positions"]
    static let orderActions: Set<String> = ["create", "cancel", "edit", "add_to_group"]
    static let positionActions: Set<String> = ["edit"]

    enum Kind {
        case string, number, boolean, array, object

        func matches(_ value: JSON) -> Bool {
            switch (self, value) {
            case (.string, .string), (.number, .number), (.boolean, .bool), (.array, .array), (.object, .object): true
            default: false
            }
        }
    }

    /// Keys a follower reads from an order, with the JSON types allowed (null counts where OctoBot writes null).
    static let orderKeys: [(key: String, kinds: [Kind], nullable: Bool)] = [
        ("action", [.string], false), ("symbol", [.string], false), ("exchange", [.string], true),
        ("exchange_type", [.string], true), ("side", [.string], true), ("type", [.string], true),
        ("quantity", [.number], true), ("target_amount", [.string, .number], true), ("order_id", [.string], true),
        ("limit_price", [.number], true), ("stop_price", [.number], true), ("additional_orders", [.array], true),
    ]

    static let positionKeys: [(key: String, kinds: [Kind], nullable: Bool)] = [
        ("action", [.string], false), ("symbol", [.string], false), ("exchange", [.string], true),
        ("exchange_type", [.string], true), ("leverage", [.number], false),
    ]

    static func check(_ bundle: JSON, strategyId: String, at path: String, problems: inout [SignalProblem]) {
        guard let object = bundle.objectValue else {
            problems.append(.init(path: path, message: "must be a signal bundle object"))
            return
        }
        switch object["identifier"] {
        case .string(let identifier) where identifier == strategyId: break
        case .string(let identifier):
            problems.append(.init(path: "\(path).identifier", message: "is \(identifier) but the signals are sent to strategy \(strategyId)"))
        default:
            problems.append(.init(path: "\(path).identifier", message: "is required: the strategy identifier"))
        }
        if object["version"]?.stringValue == nil {
            problems.append(.init(path: "\(path).version", message: "is required: the bundle version, such as \"1.0.0\""))
        }
        guard let signals = object["signals"]?.arrayValue else {
            problems.append(.init(path: "\(path).signals", message: "is required: an array of 1 to \(maxSignals) signals"))
            return
        }
        guard (1...maxSignals).contains(signals.count) else {
            problems.append(.init(path: "\(path).signals", message: "has \(signals.count) signals; 1 to \(maxSignals) are allowed"))
            return
        }
        for (index, signal) in signals.enumerated() {
            checkSignal(signal, at: "\(path).signals[\(index)]", problems: &problems)
        }
    }

    static func checkSignal(_ signal: JSON, at path: String, problems: inout [SignalProblem]) {
        guard let object = signal.objectValue else {
            problems.append(.init(path: path, message: "must be an object with topic, content and dependencies"))
            return
        }
        guard let topic = object["topic"]?.stringValue, topics.contains(topic) else {
            problems.append(.init(path: "\(path).topic", message: "must be orders or positions"))
            return
        }
        switch object["dependencies"] {
        case nil, .null?, .object?: break
        default: problems.append(.init(path: "\(path).dependencies", message: "must be null or an object"))
        }
        guard let content = object["content"], content.objectValue != nil else {
            problems.append(.init(path: "\(path).content", message: "must be an object"))
            return
        }
        if topic == "orders" {
            checkOrder(content, at: "\(path).content", problems: &problems)
        } else {
            checkKeys(content, positionKeys, at: "\(path).content", problems: &problems)
            if let action = content["action"]?.stringValue, !positionActions.contains(action) {
                problems.append(.init(path: "\(path).content.action", message: "must be edit for a position"))
            }
        }
    }

    static func checkOrder(_ content: JSON, at path: String, problems: inout [SignalProblem]) {
        checkKeys(content, orderKeys, at: path, problems: &problems)
        if let action = content["action"]?.stringValue, !orderActions.contains(action) {
            problems.append(.init(path: "\(path).action", message: "must be one of \(orderActions.sorted().joined(separator: ", "))"))
        }
        for (index, nested) in (content["additional_orders"]?.arrayValue ?? []).enumerated() {
            guard nested.objectValue != nil else {
                problems.append(.init(path: "\(path).additional_orders[\(index)]", message: "must be an order object"))
                continue
            }
            checkOrder(nested, at: "\(path).additional_orders[\(index)]", problems: &problems)
        }
    }

    static func checkKeys(_ content: JSON, _ keys: [(key: String, kinds: [Kind], nullable: Bool)], at path: String, problems: inout [SignalProblem]) {
        for (key, kinds, nullable) in keys {
            guard let value = content[key] else {
                problems.append(.init(path: "\(path).\(key)", message: "is required"))
                continue
            }
            if value == .null, nullable { continue }
            if !kinds.contains(where: { $0.matches(value) }) {
                problems.append(.init(path: "\(path).\(key)", message: "must be \(kinds.map { "\($0)" }.joined(separator: " or "))\(nullable ? " or null" : ""), got \(value.typeName)"))
            }
        }
    }
}
