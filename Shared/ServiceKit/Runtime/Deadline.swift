import Synchronization

/// A point in time a request must answer by, whatever its dependencies do.
///
/// A task group would wait for its cancelled child, and a query to a database that stopped
/// answering may not notice cancellation for a long time (a connection being re-established, a
/// socket without a reply). So the work runs in a task of its own, and the caller resumes with
/// whichever comes first, the work or the deadline; late work is cancelled and its result
/// dropped. Work that may still take effect after the caller gave up (a commit) must be safe to
/// retry: signal emits are, by their message id.
public struct Deadline: Sendable {
    public let instant: ContinuousClock.Instant

    public init(after duration: Duration) {
        instant = .now + duration
    }

    /// The work's result, or `nil` when the deadline came first.
    public func run<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value? {
        let race = Race<Value>()
        let deadline = instant
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.add(Task { race.finish(await Result(catching: work).map(Optional.some)) })
            race.add(Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                race.finish(.success(nil))
            })
        }
    }
}

/// The caller's continuation, resumed once by the first of the racing tasks, which then cancels both.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value?, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Value?, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func add(_ task: Task<Void, Never>) {
        let cancel = state.withLock { state -> Bool in
            state.tasks.append(task)
            return state.finished
        }
        if cancel { task.cancel() }
    }

    func finish(_ result: Result<Value?, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Value?, any Error>?, [Task<Void, Never>]) in
            defer {
                state.continuation = nil
                state.finished = true
            }
            return (state.continuation, state.finished ? [] : state.tasks)
        }
        guard let continuation else { return }
        continuation.resume(with: result)
        for task in tasks { task.cancel() }
    }
}

extension Result where Failure == any Error {
    /// The result of async `body`.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
