import MQTTWire
import CompressNIO
import Foundation
import Logging
import Models
import NIOCore
import PostgresNIO
import Synchronization

/// One MQTT connection: CONNECT as a device, SUBSCRIBE to strategies the device's user may
/// follow, QoS 1 delivery with a bounded in-flight window, keep-alive, and PUBLISH of signals
/// from the strategy author's own devices. Anything outside the protocol closes this connection.
final class MQTTSession: Sendable {
    struct Context: Sendable {
        let hub: RelayHub
        let ingest: SignalIngest
        let database: PostgresClient
        let strategies: any StrategyRepository
        let devices: any DeviceRepository
        let users: any UserRepository
        let buffer: Int
        let inflightWindow: Int
        let connectTimeout: Duration
        let resume: MQTTResumePolicy
        let resumeBook: MQTTResumeBook
        let clock: any WallClock
        let logger: Logger
    }

    /// What the writer task sends, in order.
    enum Outgoing: Sendable {
        case control(MQTTPacket)
        case record(LiveRecord)
        case acknowledged(packetId: UInt16)
    }

    private struct Identity: Sendable {
        let device: Device
        let isAdmin: Bool
    }

    let context: Context
    let channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>
    private let outgoing: AsyncStream<Outgoing>
    private let outgoingInput: AsyncStream<Outgoing>.Continuation
    private let identity = Mutex<Identity?>(nil)
    private let active: ActiveSubscriptions
    private let lastPacket = Mutex(ContinuousClock.now)
    private let closed = Mutex(false)

    init(context: Context, channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>) {
        self.context = context
        self.channel = channel
        active = ActiveSubscriptions(hub: context.hub)
        (outgoing, outgoingInput) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingOldest(context.buffer))
    }

    func run() async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                let writer = Task { await self.write(to: outbound) }
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await packet in inbound {
                                self.lastPacket.withLock { $0 = .now }
                                guard try await self.handle(packet) else { break }
                            }
                        }
                        group.addTask { try await self.enforceKeepAlive() }
                        try await group.next()
                        group.cancelAll()
                    }
                } catch {
                    context.logger.debug("MQTT connection ended", metadata: ["reason": "\(error)"])
                }
                await drain(writer)
            }
        } catch {
            context.logger.debug("MQTT connection closed", metadata: ["reason": "\(error)"])
        }
        close()
    }

    /// Lets what is queued (a refusing CONNACK, the last SUBACK) reach the client before the
    /// connection closes, waiting at most two seconds for a client that does not read.
    private func drain(_ writer: Task<Void, Never>) async {
        outgoingInput.finish()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writer.value }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            await group.next()
            group.cancelAll()
        }
        writer.cancel()
    }

    /// Stops subscriptions and the connection; idempotent, callable from any task.
    func close() {
        guard closed.withLock({ (value: inout Bool) -> Bool in defer { value = true }; return !value }) else { return }
        outgoingInput.finish()
        active.stopAll()
        channel.channel.close(promise: nil)
    }

    private func enqueue(_ item: Outgoing) -> Bool {
        if case .dropped = outgoingInput.yield(item) {
            RelayMetrics.slowFollowerDisconnected()
            close()
            return false
        }
        return !closed.withLock { $0 }
    }

    /// Handles one packet; false ends the session.
    private func handle(_ packet: MQTTPacket) async throws -> Bool {
        guard let current = identity.withLock({ $0 }) else {
            guard case .connect(let connect) = packet else { return false }  // anything before CONNECT
            return await accept(connect)
        }
        switch packet {
        case .subscribe(let packetId, let topics):
            var codes: [UInt8] = []
            for (filter, _) in topics {
                // A refusal (0x80) is final for the bot; a failure of ours is not: close, and
                // its reconnect subscribes again.
                guard let code = await subscribe(filter, as: current) else { return false }
                codes.append(code)
            }
            return enqueue(.control(.suback(packetId: packetId, returnCodes: codes)))
        case .unsubscribe(let packetId, let filters):
            for filter in filters where filter.hasPrefix("t/") { active.stop(String(filter.dropFirst(2))) }
            return enqueue(.control(.unsuback(packetId: packetId)))
        case .publish(let publish):
            return await ingest(publish, from: current)
        case .puback(let packetId):
            return enqueue(.acknowledged(packetId: packetId))
        case .pingreq:
            return enqueue(.control(.pingresp))
        case .disconnect, .connect, .connack, .suback, .unsuback, .pingresp:
            return false  // DISCONNECT ends it; the rest are protocol violations from a client
        }
    }

    /// CONNECT: username = a device id; unknown or deleted devices are refused (0x05).
    private func accept(_ connect: MQTTPacket.Connect) async -> Bool {
        guard connect.protocolName == "MQTT", connect.protocolLevel == MQTTPacket.Connect.protocolLevel311 else {
            _ = enqueue(.control(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.unacceptableProtocolVersion)))
            return false
        }
        guard let username = connect.username, !username.isEmpty else {
            _ = enqueue(.control(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.badUsernameOrPassword)))
            return false
        }
        guard let deviceId = UUID(uuidString: username), let device = try? await context.devices.findActive(id: deviceId),
            let user = try? await context.users.find(id: device.userId)
        else {
            _ = enqueue(.control(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.notAuthorized)))
            return false
        }
        identity.withLock { $0 = Identity(device: device, isAdmin: user.roles.contains(.admin)) }
        keepAlive.withLock { $0 = connect.keepAliveSeconds }
        return enqueue(.control(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.accepted)))
    }

    private let keepAlive = Mutex<UInt16>(0)

    /// Closes a connection silent for 1.5 keep-alive periods (MQTT 3.1.1 §3.1.2.10), and one that
    /// sends no complete CONNECT within `connectTimeout` of being accepted (bytes trickled in
    /// one at a time do not count: only whole packets do).
    private func enforceKeepAlive() async throws {
        while true {
            let seconds = keepAlive.withLock { $0 }
            let connected = identity.withLock { $0 != nil }
            // Keep-alive 0 means none: check back hourly, in case the session changes.
            let limit: Duration = connected ? (seconds == 0 ? .seconds(3600) : .milliseconds(Int64(seconds) * 1500)) : context.connectTimeout
            let silent = ContinuousClock.now - lastPacket.withLock { $0 }
            if silent > limit, !(connected && seconds == 0) { return }
            // Sleep until the earliest moment the connection could be overdue, not on a fixed tick:
            // thousands of idle bots must cost no wake-ups.
            try await Task.sleep(for: max(limit - silent, .zero) + .milliseconds(10))
        }
    }

    /// The SUBACK code for one filter: QoS 1 for `t/<strategy>` the user may follow and for the
    /// device's own `cfg/<device id>`; 0x80 for anything else, wildcards included. Nil when it
    /// could not be decided (the database is away).
    private func subscribe(_ filter: String, as current: Identity) async -> UInt8? {
        if filter.lowercased() == "cfg/\(current.device.id.uuidString.lowercased())" { return 0x01 }
        guard filter.hasPrefix("t/"), !filter.contains("+"), !filter.contains("#") else { return MQTTPacket.subscriptionFailure }
        let strategyId = String(filter.dropFirst(2))
        guard StrategyID.isValid(strategyId) else { return MQTTPacket.subscriptionFailure }
        if active.contains(strategyId) { return 0x01 }
        do {
            guard let strategy = try await context.strategies.find(id: strategyId),
                strategy.isVisible(to: current.device.userId, isAdmin: current.isAdmin)
            else { return MQTTPacket.subscriptionFailure }
            let access = try await Entitlements.access(
                userId: current.device.userId, isAdmin: current.isAdmin, strategyId: strategyId, at: context.clock.now(),
                client: context.database, logger: context.logger
            )
            guard case .allowed(let until) = access else { return MQTTPacket.subscriptionFailure }
            let subscription = FollowerSubscription(
                strategyId: strategyId, userId: current.device.userId, deviceId: current.device.id, buffer: context.buffer,
                onOverflow: { [weak self] in self?.close() },
                onAccessEnded: { [weak self] _ in self?.close() }  // the bot reconnects, and its re-subscribe gets 0x80
            )
            try await context.hub.add(subscription, strategyId: strategyId)
            let head = try await SignalLog.head(of: strategyId, client: context.database, logger: context.logger)
            // A device seen before resumes after what it acknowledged; a new one starts live.
            let key = ResumeKey(deviceId: current.device.id, strategyId: strategyId)
            let start = try await context.resume.start(for: key, head: head.seq, now: context.clock.now(), database: context.database, logger: context.logger)
            context.resumeBook.note(key, ackedThrough: start)
            let task = Task { [weak self, context] in
                await subscription.pump(after: start, log: LogReader(database: context.database, logger: context.logger)) { record in
                    self?.enqueue(.record(record)) ?? false
                }
            }
            active.insert(subscription, pumpedBy: task)
            if closed.withLock({ $0 }) { close() }
            if let until {
                AccessDeadline.schedule(until, clock: context.clock, while: { [weak self] in self.map { !$0.closed.withLock { $0 } } ?? false }) { [weak self] in
                    self?.close()
                }
            }
            return 0x01
        } catch {
            context.logger.warning("MQTT subscribe failed; closing so that the bot tries again", metadata: ["strategy": "\(strategyId)", "error": "\(error)"])
            return nil
        }
    }

    /// PUBLISH `t/<strategy>` from a device of the strategy's author is a signal (JSON, or
    /// zlib-compressed JSON as 0.4 bots send); from anyone else it ends the connection.
    private func ingest(_ publish: MQTTPacket.Publish, from current: Identity) async -> Bool {
        guard publish.qos < 2, publish.topic.hasPrefix("t/") else { return false }
        let strategyId = String(publish.topic.dropFirst(2))
        guard StrategyID.isValid(strategyId), let strategy = try? await context.strategies.find(id: strategyId),
            strategy.author.id == current.device.userId, strategy.kind == .signals
        else { return false }
        var payload = publish.payload
        if payload.first == 0x78 {  // a zlib header
            var buffer = ByteBuffer(bytes: payload)
            guard let inflated = try? buffer.decompress(with: .zlib(), maxSize: SignalIngestController.maxBodyBytes) else { return false }
            payload = Array(inflated.readableBytesView)
        }
        do {
            switch try await context.ingest.ingest(payload, strategyId: strategyId, by: context.ingest.deadline()) {
            case .appended, .duplicate: break
            case .conflict, .rateLimited, .rejected(_):
                context.logger.info("MQTT signal refused", metadata: ["strategy": "\(strategyId)", "device": "\(current.device.id)"])
            case .unavailable:
                context.logger.warning("MQTT signal not stored: the log is unavailable", metadata: ["strategy": "\(strategyId)"])
                return false  // no PUBACK: the bot sends it again after reconnecting
            }
        } catch {
            context.logger.warning("MQTT signal could not be stored", metadata: ["error": "\(error)"])
            return false  // no PUBACK: the bot sends it again after reconnecting
        }
        if let packetId = publish.packetId { return enqueue(.control(.puback(packetId: packetId))) }
        return true
    }

    /// The only writer of the connection: control packets at once, records as QoS 1 PUBLISH
    /// within the in-flight window (the rest wait, bounded by the outgoing queue).
    private func write(to outbound: NIOAsyncChannelOutboundWriter<MQTTPacket>) async {
        var inflight: [UInt16: (strategyId: String, seq: Int64, committedAt: Date?)] = [:]
        var waiting: [LiveRecord] = []
        var nextId: UInt16 = 0
        var acks = AckTracker()
        func send(_ record: LiveRecord) async throws {
            repeat { nextId = nextId &+ 1 } while nextId == 0 || inflight[nextId] != nil
            inflight[nextId] = (record.strategyId, record.seq, record.receivedAt)
            try await outbound.write(.publish(.init(topic: "t/\(record.strategyId)", qos: 1, retain: false, duplicate: false, packetId: nextId, payload: record.envelope)))
        }
        do {
            for await item in outgoing {
                switch item {
                case .control(let packet):
                    try await outbound.write(packet)
                case .record(let record):
                    acks.handed(record.strategyId, seq: record.seq)
                    if inflight.count < context.inflightWindow { try await send(record) } else { waiting.append(record) }
                case .acknowledged(let packetId):
                    if let sent = inflight.removeValue(forKey: packetId) {
                        if let committed = sent.committedAt { RelayMetrics.acknowledged(committedAt: committed, now: context.clock.now()) }
                        let point = acks.acknowledged(sent.strategyId, seq: sent.seq)
                        if let deviceId = identity.withLock({ $0?.device.id }) { context.resumeBook.note(ResumeKey(deviceId: deviceId, strategyId: sent.strategyId), ackedThrough: point) }
                    }
                    while inflight.count < context.inflightWindow, !waiting.isEmpty { try await send(waiting.removeFirst()) }
                }
                if waiting.count > context.buffer { break }
            }
        } catch {}
        close()
    }
}
