import APIShapes
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import SignalRelay

@Suite("A slow follower never slows the others", .timeLimit(.minutes(5)))
struct SlowFollowerTests {
    /// A client's masked WebSocket text frame (RFC 6455 §5.2).
    static func maskedTextFrame(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        precondition(payload.count < 126)
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    @Test("a WebSocket client that stops reading is disconnected while another receives everything")
    func slowClient() async throws {
        let harness = try await RelayHarness.make()
        let world = try await harness.world()
        let flows = RelayFlowTests()
        let count = 300
        try await harness.relay(["FOLLOWER_BUFFER": "64"]).test(.live) { relay in
            let port = try #require(relay.port)
            // The healthy follower reads all the time, in a task of its own.
            let (ready, readyInput) = AsyncStream.makeStream(of: Void.self)
            let healthy = Task {
                var follower = WSFollower.connect(port: port, token: world.follower.token)
                defer { follower.close() }
                follower.subscribe(world.strategyId)
                _ = try await follower.next()
                readyInput.yield()
                return try await follower.signals(count).map(\.seq)
            }
            for await _ in ready { break }

            // The slow client: a real handshake and a subscribe, then it never reads again.
            let slow = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            try await slow.executeThenClose { inbound, outbound in
                let handshake = "GET /v1/signals/stream?access_token=\(world.follower.token) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                try await outbound.write(ByteBuffer(string: handshake))
                try await outbound.write(ByteBuffer(bytes: Self.maskedTextFrame("{\"type\":\"subscribe\",\"strategyId\":\"\(world.strategyId)\"}")))

                // 300 signals of about 100 KB: far more than the slow client's socket buffers hold.
                for index in 0..<count {
                    let response = try await flows.emit(relay, RelayFlowTests.bundle(world.strategyId, orderId: "\(index)", padding: 100_000), to: world.strategyId, key: world.emitKey)
                    #expect(response.status == .accepted)
                }
                #expect(try await healthy.value == Array(1...count))

                // Only now does the slow client read: what was buffered, then the end of the connection.
                var bytes = 0
                for try await buffer in inbound { bytes += buffer.readableBytes }
                #expect(bytes < count * 100_000, "the slow client was cut off before receiving everything")
            }
        }
    }
}
