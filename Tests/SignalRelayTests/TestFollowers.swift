import APIShapes
import MQTTWire
import Foundation
import Logging
import NIOCore
import NIOPosix
import TestSupport
import Testing
import WSClient

@testable import SignalRelay

/// A WebSocket follower as a client program would be: frames it received come out of `next()`.
struct WSFollower {
    private var frames: AsyncStream<String>.Iterator
    private let outgoing: AsyncStream<String>.Continuation
    let connection: Task<Void, any Error>

    static func connect(port: Int, token: String) -> WSFollower {
        let (incoming, incomingInput) = AsyncStream.makeStream(of: String.self)
        let (outgoing, outgoingInput) = AsyncStream.makeStream(of: String.self)
        let connection = Task {
            defer { incomingInput.finish() }
            try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/v1/signals/stream?access_token=\(token)", configuration: .init(maxFrameSize: 1 << 22), logger: RelayHarness.logger
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in outgoing { try await outbound.write(.text(text)) }
                    }
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let text) = message { incomingInput.yield(text) }
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
        return WSFollower(frames: incoming.makeAsyncIterator(), outgoing: outgoingInput, connection: connection)
    }

    func send(_ text: String) {
        outgoing.yield(text)
    }

    func subscribe(_ strategyId: String, after: Int64? = nil) {
        send("{\"type\":\"subscribe\",\"strategyId\":\"\(strategyId)\"\(after.map { ",\"after\":\($0)" } ?? "")}")
    }

    /// A frame's text as a client reads it: a frame of the relay's, or a failure naming the text.
    static func frame(_ text: String) throws -> SignalFrameBody {
        do {
            return try JSONDecoder().decode(SignalFrameBody.self, from: Data(text.utf8))
        } catch {
            throw NeverHappened(description: "not a frame of the relay's: \(text.prefix(1000)): \(error)")
        }
    }

    /// The next frame; nil when the connection ended.
    mutating func next() async throws -> SignalFrameBody? {
        guard let text = await frames.next() else { return nil }
        return try Self.frame(text)
    }

    /// The next `count` signal frames' records, failing on anything else.
    mutating func signals(_ count: Int) async throws -> [SignalRecordBody] {
        try await signalFrames(count).map { $0.record }
    }

    /// The same, each with the frame's text: for a test that compares an envelope member for
    /// member with what was sent (its unknown keys are outside the shape).
    mutating func signalFrames(_ count: Int) async throws -> [(record: SignalRecordBody, text: String)] {
        var received: [(record: SignalRecordBody, text: String)] = []
        while received.count < count {
            guard let text = await frames.next() else { throw NeverHappened(description: "connection ended after \(received.count) signals") }
            let frame = try Self.frame(text)
            guard frame.type == "signal", let record = frame.record else {
                throw NeverHappened(description: "expected a signal, got \(text.prefix(1000))")
            }
            received.append((record: record, text: text))
        }
        return received
    }

    func close() {
        outgoing.finish()
        connection.cancel()
    }
}

struct NeverHappened: Error, CustomStringConvertible {
    let description: String
}

/// An MQTT PUBLISH payload (the stored envelope) as a bot reads it.
func decodeEnvelope(_ payload: [UInt8]) throws -> SignalEnvelopeBody {
    try JSONDecoder().decode(SignalEnvelopeBody.self, from: Data(payload))
}

/// An MQTT client speaking like OctoBot's: client id `CommunityMQTTFeed`, username = device id.
struct MQTTTestClient {
    let channel: NIOAsyncChannel<MQTTPacket, MQTTPacket>

    static func connect(port: Int) async throws -> MQTTTestClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTDecoder(maxPacketBytes: 1 << 20, acceptingConnections: false)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(MQTTEncoder()))
                    return try NIOAsyncChannel<MQTTPacket, MQTTPacket>(wrappingChannelSynchronously: channel)
                }
            }
        return MQTTTestClient(channel: channel)
    }

    static func connectPacket(username: String?) -> MQTTPacket {
        .connect(.init(protocolName: "MQTT", protocolLevel: 4, cleanSession: true, keepAliveSeconds: 60, clientId: "CommunityMQTTFeed", username: username, password: nil))
    }

    /// CONNECT as `device`, then SUBSCRIBE to `strategyId` at QoS 1, as a stock bot does;
    /// expects both accepted.
    static func follow(
        _ strategyId: String, as device: String, packets: inout NIOAsyncChannelInboundStream<MQTTPacket>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<MQTTPacket>
    ) async throws {
        try await outbound.write(connectPacket(username: device))
        #expect(try await packets.next() == .connack(sessionPresent: false, returnCode: 0))
        try await outbound.write(.subscribe(packetId: 1, topics: [("t/\(strategyId)", 1)]))
        #expect(try await packets.next() == .suback(packetId: 1, returnCodes: [1]))
    }
}

/// Raw bytes to a port and whatever comes back until the server closes: for malformed-input tests.
enum RawTCP {
    static func exchange(port: Int, sending bytes: [UInt8]) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            for try await buffer in inbound { received += buffer.readableBytesView }
            return received
        }
    }
}
