import MQTTWire
import Foundation
import Logging
import NIOCore
import NIOPosix
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

    /// The next frame as a JSON object; nil when the connection ended.
    mutating func next() async throws -> [String: Any]? {
        guard let text = await frames.next() else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// The next `count` signal frames' envelopes (as JSON objects), failing on anything else.
    mutating func signals(_ count: Int) async throws -> [[String: Any]] {
        var records: [[String: Any]] = []
        while records.count < count {
            guard let frame = try await next() else { throw NeverHappened(description: "connection ended after \(records.count) signals") }
            guard frame["type"] as? String == "signal", let record = frame["record"] as? [String: Any] else {
                throw NeverHappened(description: "expected a signal, got \(frame)")
            }
            records.append(record)
        }
        return records
    }

    func close() {
        outgoing.finish()
        connection.cancel()
    }
}

struct NeverHappened: Error, CustomStringConvertible {
    let description: String
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
