import Logging
import ServiceLifecycle
import Synchronization

/// A RabbitMQ connection for Swift concurrency: publish with confirms, consume as an
/// `AsyncSequence`, reconnect by itself. All C work happens on the connection's own thread.
///
/// As a `Service` it runs until graceful shutdown, then closes after in-flight publishes are
/// confirmed. Put it before the services that use it in a `ServiceGroup`, so they stop first.
public final class AMQPConnection: Service, Sendable {
    let worker: ConnectionWorker
    private let nextConsumerId = Atomic<Int>(0)

    public init(name: String, configuration: AMQPConfiguration, topology: Topology = Topology(), logger: Logger) {
        worker = ConnectionWorker(name: name, configuration: configuration, topology: topology, logger: logger)
    }

    /// True while connected; reported by `/health/ready`.
    public var isConnected: Bool {
        worker.connectedFlag.load(ordering: .relaxed)
    }

    /// How many times this connection came back after losing the broker (also a metric).
    public var reconnectCount: Int {
        worker.reconnectCount.load(ordering: .relaxed)
    }

    /// True once the connection's thread has ended and its C resources are freed.
    public var hasExited: Bool {
        worker.hasExited
    }

    /// Starts connecting in the background (idempotent); `run()` calls it.
    public func start() {
        worker.start()
    }

    public func run() async throws {
        start()
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Cancels consumers, waits briefly for outstanding confirms, closes, and joins the thread.
    public func shutdown() async {
        await worker.shutdown()
    }

    /// Returns once the broker confirmed the message. Throws `AMQPError` for a nack, an
    /// unroutable mandatory message, a timeout, or a connection that broke before the confirm.
    /// While disconnected the message waits for the reconnect, up to the publish timeout.
    public func publish(_ message: OutgoingMessage, timeout: Duration? = nil) async throws {
        if case .failure(let error) = await publish([message], timeout: timeout).first ?? .failure(.shutDown) {
            throw error
        }
    }

    /// Publishes `messages` in this order, pipelined, and returns each one's outcome once every
    /// confirm (or failure) is in. Order matters to consumers that expect it per routing key.
    public func publish(_ messages: [OutgoingMessage], timeout: Duration? = nil) async -> [Result<Void, AMQPError>] {
        let deadline = ContinuousClock.now + (timeout ?? worker.configuration.publishTimeout)
        return await withCheckedContinuation { continuation in
            worker.submit(.publish(messages, deadline: deadline, PublishCompletion(count: messages.count, continuation: continuation)))
        }
    }

    /// Declares more topology now and again after every reconnect.
    public func declare(_ topology: Topology) async throws {
        try await withCheckedThrowingContinuation { continuation in
            worker.submit(.declare(topology, continuation))
        }
    }

    /// Consumes `queue` with at most `prefetch` unsettled deliveries, across reconnects.
    public func consume(queue: String, prefetch: UInt16 = 32) -> AMQPConsumer {
        let id = nextConsumerId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self)
        worker.submit(.consume(.init(id: id, queue: queue, prefetch: prefetch, continuation: continuation)))
        return AMQPConsumer(deliveries: stream) { [worker] in
            await withCheckedContinuation { done in worker.submit(.cancel(consumerId: id, done)) }
        }
    }
}

/// Deliveries from one queue. `cancel()` stops new deliveries; those already received still
/// come out of the sequence so their handlers can finish and settle them.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = Delivery

    let deliveries: AsyncStream<Delivery>
    let cancelAction: @Sendable () async -> Void

    public func makeAsyncIterator() -> AsyncStream<Delivery>.Iterator {
        deliveries.makeAsyncIterator()
    }

    public func cancel() async {
        await cancelAction()
    }
}
