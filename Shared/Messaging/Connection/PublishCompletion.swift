/// Collects the outcome of each message of one publish call and resumes the caller once all are
/// known. Only the connection thread touches it after creation.
final class PublishCompletion: @unchecked Sendable {
    private var results: [Result<Void, AMQPError>?]
    private var remaining: Int
    private let continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>

    init(count: Int, continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>) {
        results = Array(repeating: nil, count: count)
        remaining = count
        self.continuation = continuation
        if count == 0 { continuation.resume(returning: []) }
    }

    func settle(_ index: Int, _ result: Result<Void, AMQPError>) {
        guard results[index] == nil else { return }
        results[index] = result
        remaining -= 1
        if remaining == 0 {
            continuation.resume(returning: results.map { $0 ?? .failure(.shutDown) })
        }
    }
}

/// One message of a publish call, on its way to the broker or waiting for its confirm.
struct PublishWaiter {
    let completion: PublishCompletion
    let index: Int

    func settle(_ result: Result<Void, AMQPError>) {
        completion.settle(index, result)
    }
}
