import MQTTWire
import CompressNIO
import Foundation
import Logging
import Models
import NIOCore
import PostgresNIO
import Synchronization

/// One MQTT connection: CONNECT as a device, SUBSCRIBE to strategies the device's user may
/// follow (records then go out through `MQTTDeliveryHandler`, on the connection's event loop),
/// keep-alive, and PUBLISH of signals from the strategy author's own devices. Anything outside
/// the protocol closes this connection.
final class MQTTSession: Sendable {
    struct Context: Sendable {
        let flow: FollowFlow
        let ingest: SignalIngest
        let database: PostgresClient
        let strategies: any StrategyDirectory
        let devices: any DeviceDirectory
        let users: any UserDirectory
        let resume: MQTTResumePolicy
        let resumeBook: MQTTResumeBook
        let clock: any WallClock
        let logger: Logger
    }

    private struct Identity: Sendable {
        let device: Device
        let isAdmin: Bool
    }

    let context: Context
    let channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>
    let link: MQTTFollowerLink
    private let identity = Mutex<Identity?>(nil)
    private let active: ActiveSubscriptions
    /// Strategies this connection's device was found to author, so a signal costs no strategy
    /// read after the first: authorship does not change (a take-down stops followers, not this).
    private let authored = Mutex<Set<String>>([])
    private let closed = Mutex(false)
    private let acknowledgements = OrderedAcknowledgements()

    init(context: Context, channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>, link: MQTTFollowerLink) {
        self.context = context
        self.channel = channel
        self.link = link
        active = ActiveSubscriptions(hub: context.flow.hub)
    }

    func run() async {
        do {
            try await channel.executeThenClose { inbound, _ in
                // Keep-alive and the CONNECT deadline are the delivery handler's (`MQTTDeliveryHandler`),
                // timers on the event loop: an idle bot costs no task wake-ups.
                do {
                    for try await packet in inbound {
                        guard try await handle(packet) else { break }
                    }
                } catch {
                    context.logger.debug("MQTT connection ended", metadata: ["reason": "\(error)"])
                }
                // What was sent last (a refusing CONNACK, the last SUBACK) reaches the client
                // before the connection closes, unless it does not read for two seconds.
                await link.flushControls(within: .seconds(2))
            }
        } catch {
            context.logger.debug("MQTT connection closed", metadata: ["reason": "\(error)"])
        }
        close()
    }

    /// Stops subscriptions and the connection; idempotent, callable from any task.
    func close() {
        guard closed.withLock({ (value: inout Bool) -> Bool in defer { value = true }; return !value }) else { return }
        active.stopAll()
        channel.channel.close(promise: nil)
    }

    /// Sends one of the session's packets (through `link`, in order with records); false once closed.
    private func enqueue(_ packet: MQTTPacket) -> Bool {
        link.control(packet)
        return !closed.withLock { $0 }
    }

    /// Handles one packet; false ends the session.
    private func handle(_ packet: MQTTPacket) async throws -> Bool {
        guard let current = identity.withLock({ $0 }) else {
            guard case .connect(let connect) = packet else { return false }  // anything before CONNECT
            return await inTaskOfItsOwn { await self.accept(connect) }
        }
        switch packet {
        case .subscribe(let packetId, let topics):
            var codes: [UInt8] = []
            for (filter, _) in topics {
                // A refusal (0x80) is final for the bot; a failure of ours is not: close, and
                // its reconnect subscribes again.
                guard let code = await inTaskOfItsOwn({ await self.subscribe(filter, as: current) }) else { return false }
                codes.append(code)
            }
            return enqueue(.suback(packetId: packetId, returnCodes: codes))
        case .unsubscribe(let packetId, let filters):
            for filter in filters where filter.hasPrefix("t/") { active.stop(String(filter.dropFirst(2))) }
            return enqueue(.unsuback(packetId: packetId))
        case .publish(let publish):
            return await ingest(publish, from: current)
        case .puback:
            return true  // taken by the delivery handler before it gets here
        case .pingreq:
            return enqueue(.pingresp)
        case .disconnect, .connect, .connack, .suback, .unsuback, .pingresp:
            return false  // DISCONNECT ends it; the rest are protocol violations from a client
        }
    }

    /// CONNECT: username = a device id; unknown or deleted devices are refused (0x05).
    private func accept(_ connect: MQTTPacket.Connect) async -> Bool {
        guard connect.protocolName == "MQTT", connect.protocolLevel == MQTTPacket.Connect.protocolLevel311 else {
            _ = enqueue(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.unacceptableProtocolVersion))
            return false
        }
        guard let username = connect.username, !username.isEmpty else {
            _ = enqueue(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.badUsernameOrPassword))
            return false
        }
        guard let deviceId = UUID(uuidString: username), let device = try? await context.devices.findActive(id: deviceId),
            let user = try? await context.users.find(id: device.userId)
        else {
            _ = enqueue(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.notAuthorized))
            return false
        }
        identity.withLock { $0 = Identity(device: device, isAdmin: user.roles.contains(.admin)) }
        link.identify(device.id, keepAliveSeconds: connect.keepAliveSeconds)
        return enqueue(.connack(sessionPresent: false, returnCode: MQTTPacket.ConnectReturnCode.accepted))
    }

    /// The SUBACK code for one filter: QoS 1 for `t/<strategy>` the user may follow and for the
    /// device's own `cfg/<device id>`; 0x80 for anything else, wildcards included. Nil when it
    /// could not be decided (the database is away).
    private func subscribe(_ filter: String, as current: Identity) async -> UInt8? {
        if filter.lowercased() == "cfg/\(current.device.id.uuidString.lowercased())" { return MQTTPacket.subscriptionGrantedQoS1 }
        guard filter.hasPrefix("t/"), !filter.contains("+"), !filter.contains("#") else { return MQTTPacket.subscriptionFailure }
        let strategyId = String(filter.dropFirst(2))
        guard StrategyID.isValid(strategyId) else { return MQTTPacket.subscriptionFailure }
        if active.contains(strategyId) { return MQTTPacket.subscriptionGrantedQoS1 }
        do {
            let (resume, resumeBook, database, clock, logger) = (context.resume, context.resumeBook, context.database, context.clock, context.logger)
            let deviceId = current.device.id
            let outcome = try await context.flow.follow(
                strategyId, as: FollowerIdentity(device: current.device, isAdmin: current.isAdmin), on: link, into: active,
                startAfter: { head in
                    // A device seen before resumes after what it acknowledged; a new one starts live.
                    let key = ResumeKey(deviceId: deviceId, strategyId: strategyId)
                    let start = try await resume.start(for: key, head: head, now: clock.now(), database: database, logger: logger)
                    resumeBook.note(key, ackedThrough: start)
                    return start
                },
                isOpen: { [weak self] in self.map { !$0.closed.withLock { $0 } } ?? false },
                onAccessEnded: { [weak self] _ in self?.close() }  // the bot reconnects, and its re-subscribe gets 0x80
            )
            guard case .following = outcome else { return MQTTPacket.subscriptionFailure }
            return MQTTPacket.subscriptionGrantedQoS1
        } catch {
            context.logger.warning("MQTT subscribe failed; closing so that the bot tries again", metadata: ["strategy": "\(strategyId)", "error": "\(error)"])
            return nil
        }
    }

    /// PUBLISH `t/<strategy>` from a device of the strategy's author is a signal (JSON, or
    /// zlib-compressed JSON as 0.4 bots send); from anyone else it ends the connection.
    private func ingest(_ publish: MQTTPacket.Publish, from current: Identity) async -> Bool {
        let deadline = context.ingest.deadline()
        guard publish.qos < 2, publish.topic.hasPrefix("t/") else { return false }
        let strategyId = String(publish.topic.dropFirst(2))
        guard StrategyID.isValid(strategyId), await authors(strategyId, current) else { return false }
        var payload = publish.payload
        if payload.first == 0x78 {  // a zlib header
            var buffer = ByteBuffer(bytes: payload)
            guard let inflated = try? buffer.decompress(with: .zlib(), maxSize: SignalIngestController.maxBodyBytes) else { return false }
            payload = Array(inflated.readableBytesView)
        }
        // QoS 1: a place in line for its PUBACK, which must follow those of earlier PUBLISHes.
        let acknowledgement = publish.packetId.map { (packetId: $0, place: acknowledgements.reserve()) }
        switch await context.ingest.admit(payload, strategyId: strategyId) {
        case .refused(let outcome):
            if case .unavailable = outcome { return false }
            context.logger.info("MQTT signal refused", metadata: ["strategy": "\(strategyId)", "device": "\(current.device.id)"])
            acknowledge(acknowledgement)
            return !closed.withLock { $0 }
        case .accepted(let envelope):
            // Not awaited: the next PUBLISH is read while this one is written, so an author's
            // signals share commits.
            let logger = context.logger
            context.ingest.append(envelope, to: strategyId, by: deadline) { [weak self] result in
                switch result {
                case .success(.appended), .success(.duplicate): break
                case .success(.conflict), .success(.rateLimited), .success(.rejected):
                    logger.info("MQTT signal refused", metadata: ["strategy": "\(strategyId)"])
                case .success(.unavailable):
                    logger.warning("MQTT signal not stored: the log is unavailable", metadata: ["strategy": "\(strategyId)"])
                    self?.close()  // no PUBACK: the bot sends it again after reconnecting
                    return
                case .failure(let error):
                    logger.warning("MQTT signal could not be stored", metadata: ["error": "\(error)"])
                    self?.close()
                    return
                }
                self?.acknowledge(acknowledgement)
            }
            return true
        }
    }

    /// Sends the PUBACK of a QoS 1 PUBLISH once every earlier one has been sent.
    private func acknowledge(_ acknowledgement: (packetId: UInt16, place: Int)?) {
        guard let acknowledgement else { return }
        acknowledgements.answer(acknowledgement.place, packetId: acknowledgement.packetId) { link.control(.puback(packetId: $0)) }
    }

    /// Whether the connection's device belongs to the author of signal strategy `strategyId`.
    private func authors(_ strategyId: String, _ current: Identity) async -> Bool {
        if authored.withLock({ $0.contains(strategyId) }) { return true }
        guard let strategy = try? await context.strategies.find(id: strategyId),
            strategy.author.id == current.device.userId, strategy.kind == .signals
        else { return false }
        authored.withLock { _ = $0.insert(strategyId) }
        return true
    }
}
