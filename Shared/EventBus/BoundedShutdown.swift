import Logging
import ServiceLifecycle
import Synchronization

/// Runs `work` until graceful shutdown or cancellation, then cancels it and waits for it at most
/// `grace`. When a process is torn down by cancellation (a service failed at start), the database
/// client may stop first, and a lease from a stopped `PostgresClient` never returns: without a
/// bound, one stuck query would keep the whole process from exiting.
func runUntilShutdown(grace: Duration, logger: Logger, _ work: @escaping @Sendable () async -> Void) async {
    let task = Task { await work() }
    try? await gracefulShutdown()
    task.cancel()
    let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let once = ResumeOnce(continuation)
        Task {
            await task.value
            once.resume(true)
        }
        Task {
            try? await Task.sleep(for: grace)
            once.resume(false)
        }
    }
    if !finished {
        logger.warning("background work did not stop in time; leaving it behind", metadata: ["grace": "\(grace)"])
    }
}

/// Resumes a continuation once, whichever of several racers gets there first.
private final class ResumeOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: Bool) {
        continuation.withLock { pending in
            pending?.resume(returning: value)
            pending = nil
        }
    }
}
