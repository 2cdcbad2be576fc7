import CRabbitMQ
import DequeModule
import Foundation
import Logging
import Metrics
import Synchronization

/// Owns one rabbitmq-c connection and the one thread allowed to touch it.
///
/// rabbitmq-c is not thread-safe and only services heartbeats inside its own calls, so every C
/// call happens on `thread`, which loops: take the commands other threads queued (publishes,
/// acks, consumer changes), wait briefly for input on the socket or the wake-up fd, read what
/// arrived (deliveries, confirms, closes). Other threads only touch `shared` (under a lock) and
/// the wake-up fd. When the connection breaks the thread fails what was in flight, backs off and
/// reconnects, declaring the topology and re-opening every consumer.
final class ConnectionWorker: @unchecked Sendable {
    enum Command: Sendable {
        /// Messages go out in the order given; the completion learns each one's fate.
        case publish([OutgoingMessage], deadline: ContinuousClock.Instant, PublishCompletion)
        case settle(generation: Int, channel: UInt16, tag: UInt64, Delivery.Settlement)
        case consume(ConsumerRegistration)
        case cancel(consumerId: Int, CheckedContinuation<Void, Never>)
        case declare(Topology, CheckedContinuation<Void, any Error>)
        case shutdown
    }

    struct ConsumerRegistration: Sendable {
        let id: Int
        let queue: String
        let prefetch: UInt16
        let continuation: AsyncStream<Delivery>.Continuation
    }

    /// What other threads may touch.
    private struct Shared {
        var commands: [Command] = []
        var started = false
        /// The thread no longer takes commands; they are answered at once.
        var closed = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }


    let name: String
    let configuration: AMQPConfiguration
    let logger: Logger
    private let shared = Mutex(Shared())
    private let wakeup: Wakeup?
    let connectedFlag = Atomic<Bool>(false)
    let reconnectCount = Atomic<Int>(0)
    let reconnects: Counter
    let connectedGauge: Gauge

    // Everything below belongs to the connection thread (see ConnectionWorker+Broker.swift).
    var connection: OpaquePointer?
    var generation = 0
    var topology: Topology
    var consumers: [Int: ConsumerRegistration] = [:]
    var consumerChannels: [UInt16: Int] = [:]
    var confirms = PendingConfirms<PublishWaiter>()
    var waitingPublishes: Deque<(message: OutgoingMessage, deadline: ContinuousClock.Instant, waiter: PublishWaiter)> = []
    /// Declarations asked for while disconnected: answered once the next connection declared them.
    var declarationsAwaitingConnection: [CheckedContinuation<Void, any Error>] = []
    var stopping = false

    static let publishChannel: UInt16 = 1

    init(name: String, configuration: AMQPConfiguration, topology: Topology, logger: Logger) {
        self.name = name
        self.configuration = configuration
        self.topology = topology
        var logger = logger
        logger[metadataKey: "amqp.connection"] = .string(name)
        self.logger = logger
        wakeup = Wakeup()
        reconnects = Counter(label: "astrolab_amqp_reconnects_total", dimensions: [("connection", name)])
        connectedGauge = Gauge(label: "astrolab_amqp_connected", dimensions: [("connection", name)])
    }

    // MARK: Any thread

    /// Starts the thread once; later calls do nothing.
    func start() {
        let first = shared.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let thread = Thread { [self] in
            run()
            let waiters = shared.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.exited = true
                defer { state.exitWaiters = [] }
                return state.exitWaiters
            }
            waiters.forEach { $0.resume() }
        }
        thread.name = "amqp-\(name)"
        thread.start()
    }

    /// Hands a command to the thread; answers it at once if the thread is gone.
    func submit(_ command: Command) {
        let accepted = shared.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.commands.append(command)
            return true
        }
        if accepted {
            wakeup?.signal()
        } else {
            Self.refuse(command)
        }
    }

    /// True once the thread has ended and released the C connection.
    var hasExited: Bool {
        shared.withLock { $0.exited }
    }

    /// Asks the thread to finish (after in-flight confirms, bounded) and waits for it to exit.
    func shutdown() async {
        submit(.shutdown)
        await withCheckedContinuation { continuation in
            let exited = shared.withLock { state -> Bool in
                if state.exited || !state.started { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    private static func refuse(_ command: Command) {
        switch command {
        case .publish(let messages, _, let completion):
            for index in messages.indices { completion.settle(index, .failure(.shutDown)) }
        case .declare(_, let continuation): continuation.resume(throwing: AMQPError.shutDown)
        case .cancel(_, let continuation): continuation.resume()
        case .consume(let registration): registration.continuation.finish()
        case .settle, .shutdown: break
        }
    }

    // MARK: The connection thread

    private func run() {
        var attempt = 0
        while !stopping {
            do {
                try connect()
                attempt = 0
                try serve()
                disconnect(reason: "shutting down")
            } catch {
                logger.warning("broker connection failed", metadata: ["error": "\(error)", "broker": "\(configuration.redacted)"])
                disconnect(reason: "\(error)")
            }
            guard !stopping else { break }
            attempt += 1
            waitBeforeReconnecting(attempt: attempt)
        }
        finish()
    }

    /// One connected session: handle commands and broker input until told to stop or the connection breaks.
    private func serve() throws {
        var shutdownDeadline: ContinuousClock.Instant?
        while true {
            try handleCommands()
            failExpiredPublishes()
            if stopping {
                // Give publishes already written a moment to be confirmed before closing.
                let deadline = shutdownDeadline ?? .now + .seconds(2)
                shutdownDeadline = deadline
                if confirms.isEmpty || ContinuousClock.now >= deadline { return }
            }
            try waitAndReadInput()
        }
    }

    private func waitAndReadInput() throws {
        guard let connection else { throw AMQPError.connectionLost("no connection") }
        if astrolab_amqp_has_buffered_input(connection) == 0 {
            // TLS may hold decrypted bytes the socket poll cannot see: look more often.
            let interval: Int32 = configuration.useTLS ? 20 : 200
            let fds = [astrolab_amqp_socket_fd(connection)] + (wakeup.map { [$0.fd] } ?? [])
            let readable = pollReadable(fds, timeoutMilliseconds: wakeup == nil ? 10 : interval)
            if readable.count > 1, readable[1] { wakeup?.drain() }
        }
        // Always call into rabbitmq-c, even after a timeout: that is where heartbeats are sent
        // and missed ones detected.
        for _ in 0..<1024 {
            var event = astrolab_amqp_event()
            var error = [CChar](repeating: 0, count: Int(ASTROLAB_AMQP_ERROR_LEN))
            let result = astrolab_amqp_next_event(connection, 0, &event, &error, error.count)
            if result == 0 { return }
            if result < 0 { throw AMQPError.connectionLost(CString.string(error)) }
            defer { astrolab_amqp_event_free(&event) }
            try process(event)
        }
    }

    private func process(_ event: astrolab_amqp_event) throws {
        switch Int(event.kind) {
        case Int(ASTROLAB_AMQP_EVENT_DELIVERY.rawValue):
            deliver(event)
        case Int(ASTROLAB_AMQP_EVENT_CONFIRM_ACK.rawValue), Int(ASTROLAB_AMQP_EVENT_CONFIRM_NACK.rawValue):
            let ack = Int(event.kind) == Int(ASTROLAB_AMQP_EVENT_CONFIRM_ACK.rawValue)
            for (waiter, result) in confirms.confirm(tag: event.delivery_tag, multiple: event.multiple != 0, ack: ack) {
                waiter.settle(result)
            }
        case Int(ASTROLAB_AMQP_EVENT_RETURN.rawValue):
            confirms.returned(
                messageId: CString.string(event.message_id), exchange: CString.string(event.exchange),
                routingKey: CString.string(event.routing_key)
            )
        case Int(ASTROLAB_AMQP_EVENT_CONSUMER_CANCELLED.rawValue):
            // The broker cancelled a consumer (its queue was deleted): reconnecting re-declares it.
            throw AMQPError.connectionLost("the broker cancelled consumer \(CString.string(event.consumer_tag))")
        case Int(ASTROLAB_AMQP_EVENT_CHANNEL_CLOSED.rawValue), Int(ASTROLAB_AMQP_EVENT_CONNECTION_CLOSED.rawValue):
            throw AMQPError.connectionLost("broker closed channel \(event.channel): \(event.reply_code) \(CString.string(event.text))")
        default:
            logger.debug("ignored broker frame", metadata: ["channel": "\(event.channel)", "method": "\(event.reply_code)"])
        }
    }

    private func deliver(_ event: astrolab_amqp_event) {
        guard let consumerId = consumerChannels[event.channel], let consumer = consumers[consumerId] else {
            logger.warning("delivery for a channel without a consumer", metadata: ["channel": "\(event.channel)"])
            return
        }
        let body = event.body.map { Array(UnsafeBufferPointer(start: $0, count: event.body_len)) } ?? []
        let messageId = CString.string(event.message_id)
        let type = CString.string(event.type)
        let generation = self.generation
        let channel = event.channel
        let tag = event.delivery_tag
        consumer.continuation.yield(
            Delivery(
                body: body, messageId: messageId.isEmpty ? nil : messageId, type: type.isEmpty ? nil : type,
                exchange: CString.string(event.exchange), routingKey: CString.string(event.routing_key),
                redelivered: event.redelivered != 0, deliveryTag: tag, channel: channel, generation: generation,
                settle: { [weak self] settlement in
                    self?.submit(.settle(generation: generation, channel: channel, tag: tag, settlement))
                }
            )
        )
    }

    private func handleCommands() throws {
        var commands = shared.withLock { state -> Deque<Command> in
            defer { state.commands = [] }
            return Deque(state.commands)
        }
        while let command = commands.popFirst() {
            do {
                try apply(command)
            } catch {
                // The connection broke: what was not handled yet goes back in front of the queue,
                // to be answered after the reconnect (or at shutdown), never dropped.
                let unhandled = Array(commands)
                shared.withLock { $0.commands.insert(contentsOf: unhandled, at: 0) }
                throw error
            }
        }
        try sendWaitingPublishes()
    }

    private func apply(_ command: Command) throws {
        switch command {
        case .publish(let messages, let deadline, let completion):
            for (index, message) in messages.enumerated() {
                let waiter = PublishWaiter(completion: completion, index: index)
                if stopping {
                    waiter.settle(.failure(.shutDown))
                } else {
                    waitingPublishes.append((message, deadline, waiter))
                }
            }
        case .settle(let generation, let channel, let tag, let settlement):
            // Tags from an earlier connection mean nothing now; the broker redelivers those.
            guard generation == self.generation, let connection else { return }
            let status: Int32
            switch settlement {
            case .ack: status = astrolab_amqp_ack(connection, channel, tag, 0)
            case .nack(let requeue): status = astrolab_amqp_nack(connection, channel, tag, 0, requeue ? 1 : 0)
            }
            if status != 0 { throw AMQPError.connectionLost("cannot settle a delivery (status \(status))") }
        case .consume(let registration):
            consumers[registration.id] = registration
            if connection != nil { try openConsumer(registration) }
        case .cancel(let consumerId, let continuation):
            defer { continuation.resume() }
            try cancelConsumer(consumerId)
        case .declare(let extra, let continuation):
            guard connection != nil else {
                // Like publishes, a declaration waits for the reconnect, which declares it.
                topology = topology.merged(with: extra)
                declarationsAwaitingConnection.append(continuation)
                return
            }
            do {
                try declare(extra)
                topology = topology.merged(with: extra)
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
                throw error
            }
        case .shutdown:
            stopping = true
        }
    }

    /// While disconnected (backing off), commands still get answers: publishes wait for the
    /// reconnect until their deadline, consumers are remembered, shutdown ends the wait.
    private func handleCommandsWhileDisconnected() {
        do {
            try handleCommands()
        } catch {
            logger.debug("command while disconnected failed", metadata: ["error": "\(error)"])
        }
        failExpiredPublishes()
    }

    private func failExpiredPublishes() {
        let now = ContinuousClock.now
        for waiter in confirms.expire(now: now) {
            waiter.settle(.failure(.timedOut))
        }
        while let first = waitingPublishes.first, first.deadline <= now {
            waitingPublishes.removeFirst().waiter.settle(.failure(.timedOut))
        }
    }

    private func waitBeforeReconnecting(attempt: Int) {
        let lower = configuration.reconnectBackoff.lowerBound
        let upper = configuration.reconnectBackoff.upperBound
        let exponential = lower * Int(1 << min(attempt - 1, 20))
        let cap = min(exponential, upper)
        // Full jitter: replicas that lost the broker together do not come back in lockstep.
        let delay = cap * Double.random(in: 0.5...1.0)
        logger.info("reconnecting to the broker", metadata: ["attempt": "\(attempt)", "in": "\(delay)"])
        let until = ContinuousClock.now + delay
        while !stopping, ContinuousClock.now < until {
            let remaining = ContinuousClock.now.duration(to: until)
            let milliseconds = Int32(clamping: max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            if let wakeup {
                if pollReadable([wakeup.fd], timeoutMilliseconds: milliseconds).first == true { wakeup.drain() }
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
            handleCommandsWhileDisconnected()
        }
    }

    /// The thread is about to exit: nothing may be left waiting.
    private func finish() {
        shared.withLock { $0.closed = true }
        let leftovers = shared.withLock { state -> [Command] in
            defer { state.commands = [] }
            return state.commands
        }
        leftovers.forEach(Self.refuse)
        while let waiting = waitingPublishes.popFirst() {
            waiting.waiter.settle(.failure(.shutDown))
        }
        for waiter in confirms.reset() {
            waiter.settle(.failure(.shutDown))
        }
        for consumer in consumers.values { consumer.continuation.finish() }
        consumers = [:]
        for continuation in declarationsAwaitingConnection {
            continuation.resume(throwing: AMQPError.shutDown)
        }
        declarationsAwaitingConnection = []
    }
}
