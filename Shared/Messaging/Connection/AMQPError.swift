/// Why a broker operation failed.
public enum AMQPError: Error, Equatable, CustomStringConvertible {
    /// The broker refused the message (basic.nack).
    case nacked
    /// A mandatory message matched no queue (basic.return).
    case unroutable(exchange: String, routingKey: String)
    /// No confirm arrived in time.
    case timedOut
    /// The connection broke while the operation was in flight; it may or may not have happened.
    case connectionLost(String)
    /// The broker refused an operation (a declaration, a consume).
    case operationFailed(String)
    /// The connection is shut down.
    case shutDown

    public var description: String {
        switch self {
        case .nacked: "the broker nacked the message"
        case .unroutable(let exchange, let key): "no queue is bound for '\(key)' on exchange '\(exchange)'"
        case .timedOut: "no publisher confirm arrived in time"
        case .connectionLost(let reason): "the broker connection broke: \(reason)"
        case .operationFailed(let reason): "the broker refused: \(reason)"
        case .shutDown: "the broker connection is shut down"
        }
    }
}
