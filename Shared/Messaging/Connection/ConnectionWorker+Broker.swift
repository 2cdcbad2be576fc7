import CRabbitMQ
import Foundation
import Logging
import Metrics
import Synchronization

/// The C calls of the connection thread: connecting, declaring, consuming, publishing.
extension ConnectionWorker {
    /// Connects, opens the publish channel in confirm mode, declares the topology and re-opens
    /// every consumer; then sends what waited for the connection.
    func connect() throws {
        var error = [CChar](repeating: 0, count: Int(ASTROLAB_AMQP_ERROR_LEN))
        // C copies that outlive this scope's String bridging; freed below.
        let texts: [String] = [configuration.host, configuration.virtualHost, configuration.user, configuration.password]
        let strings: [UnsafeMutablePointer<CChar>?] = texts.map { (text: String) in strdup(text) }
        let caPath: UnsafeMutablePointer<CChar>? = configuration.caCertificatePath.flatMap { (text: String) in strdup(text) }
        defer {
            strings.forEach { free($0) }
            free(caPath)
        }
        var options = astrolab_amqp_options(
            host: strings[0], port: Int32(configuration.port), vhost: strings[1], user: strings[2], password: strings[3],
            heartbeat_seconds: Int32(configuration.heartbeat.components.seconds),
            connect_timeout_ms: Int32(configuration.connectTimeout.components.seconds * 1000),
            use_tls: configuration.useTLS ? 1 : 0, ca_cert_path: caPath, verify_peer: 1
        )
        guard let opened = astrolab_amqp_connect(&options, &error, error.count) else {
            throw AMQPError.connectionLost(CString.string(error))
        }
        connection = opened
        try check(astrolab_amqp_channel_open(opened, Self.publishChannel, &error, error.count), error)
        try check(astrolab_amqp_confirm_select(opened, Self.publishChannel, &error, error.count), error)
        try declare(topology)
        for continuation in declarationsAwaitingConnection {
            continuation.resume()
        }
        declarationsAwaitingConnection = []
        generation += 1
        consumerChannels = [:]
        for registration in consumers.values.sorted(by: { $0.id < $1.id }) {
            try openConsumer(registration)
        }
        connectedFlag.store(true, ordering: .relaxed)
        connectedGauge.record(1)
        if generation > 1 {
            reconnects.increment()
            reconnectCount.add(1, ordering: .relaxed)
            logger.notice("reconnected to the broker", metadata: ["broker": "\(configuration.redacted)", "session": "\(generation)"])
        } else {
            logger.info("connected to the broker", metadata: ["broker": "\(configuration.redacted)"])
        }
        try sendWaitingPublishes()
    }

    /// Drops the connection: publishes awaiting a confirm fail (the caller retries; the broker
    /// may have them, hence at-least-once), deliveries not yet settled will be redelivered.
    func disconnect(reason: String) {
        connectedFlag.store(false, ordering: .relaxed)
        connectedGauge.record(0)
        for waiter in confirms.reset() {
            waiter.settle(.failure(.connectionLost(reason)))
        }
        if let connection {
            astrolab_amqp_close(connection)
            self.connection = nil
        }
        consumerChannels = [:]
    }

    func declare(_ topology: Topology) throws {
        guard let connection else { throw AMQPError.connectionLost("not connected") }
        var error = [CChar](repeating: 0, count: Int(ASTROLAB_AMQP_ERROR_LEN))
        let channel = Self.publishChannel
        for exchange in topology.exchanges {
            try check(astrolab_amqp_exchange_declare(connection, channel, exchange.name, exchange.type, 1, &error, error.count), error)
        }
        for queue in topology.queues {
            let status: Int32
            switch queue.kind {
            case .work(let deliveryLimit, let deadLetterExchange):
                status = astrolab_amqp_queue_declare(
                    connection, channel, queue.name, 1, 0, 0, "quorum", deadLetterExchange, queue.name,
                    Int32(deliveryLimit), &error, error.count
                )
            case .deadLetter:
                status = astrolab_amqp_queue_declare(connection, channel, queue.name, 1, 0, 0, "quorum", nil, nil, 0, &error, error.count)
            case .exclusive:
                status = astrolab_amqp_queue_declare(connection, channel, queue.name, 0, 1, 1, nil, nil, nil, 0, &error, error.count)
            }
            try check(status, error)
        }
        for binding in topology.bindings {
            try check(
                astrolab_amqp_queue_bind(connection, channel, binding.queue, binding.exchange, binding.routingKey, &error, error.count),
                error
            )
        }
    }

    /// Each consumer gets its own channel, so its prefetch limit is its own.
    func openConsumer(_ registration: ConsumerRegistration) throws {
        guard let connection else { return }
        var error = [CChar](repeating: 0, count: Int(ASTROLAB_AMQP_ERROR_LEN))
        let channel = UInt16(2 + registration.id)
        try check(astrolab_amqp_channel_open(connection, channel, &error, error.count), error)
        try check(astrolab_amqp_basic_qos(connection, channel, registration.prefetch, &error, error.count), error)
        try check(astrolab_amqp_basic_consume(connection, channel, registration.queue, consumerTag(registration.id), &error, error.count), error)
        consumerChannels[channel] = registration.id
    }

    func cancelConsumer(_ consumerId: Int) throws {
        guard let registration = consumers.removeValue(forKey: consumerId) else { return }
        defer { registration.continuation.finish() }
        guard let connection, let channel = consumerChannels.first(where: { $0.value == consumerId })?.key else { return }
        var error = [CChar](repeating: 0, count: Int(ASTROLAB_AMQP_ERROR_LEN))
        try check(astrolab_amqp_basic_cancel(connection, channel, consumerTag(consumerId), &error, error.count), error)
    }

    func sendWaitingPublishes() throws {
        guard let connection else { return }
        while let (message, deadline, waiter) = waitingPublishes.first {
            let status = message.body.withUnsafeBytes { body in
                astrolab_amqp_publish(
                    connection, Self.publishChannel, message.exchange, message.routingKey, message.mandatory ? 1 : 0,
                    body.baseAddress, body.count, message.messageId, message.type, message.contentType,
                    message.persistent ? 1 : 0
                )
            }
            // Unsent, it stays queued for the next connection.
            guard status == 0 else { throw AMQPError.connectionLost("publish failed (status \(status))") }
            waitingPublishes.removeFirst()
            confirms.sent(messageId: message.messageId, deadline: deadline, waiter: waiter)
        }
    }

    private func consumerTag(_ id: Int) -> String {
        "\(name)-\(id)"
    }

    private func check(_ status: Int32, _ error: [CChar]) throws {
        guard status == 0 else { throw AMQPError.operationFailed(CString.string(error)) }
    }
}
