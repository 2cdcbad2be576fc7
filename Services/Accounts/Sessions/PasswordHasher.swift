import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's blocking thread pool: a hash costs tens to hundreds of milliseconds of CPU,
/// which must never run on an event loop or Swift's cooperative pool.
struct PasswordHasher: Sendable {
    let cost: UInt8
    /// A real hash of a random password, verified against when the email is unknown so that
    /// unknown emails and wrong passwords take the same time.
    let decoyHash: String

    init(cost: Int) async throws {
        self.cost = UInt8(cost)
        decoyHash = try await Self.hash(UUID().uuidString, cost: self.cost)
    }

    func hash(_ password: String) async throws -> String {
        try await Self.hash(password, cost: cost)
    }

    private static func hash(_ password: String, cost: UInt8) async throws -> String {
        let input = prepared(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.prepared(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    /// bcrypt reads at most 72 bytes and stops at NUL; hashing first with SHA-256 (base64, so no
    /// NUL) lets every character of a long passphrase count.
    static func prepared(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}
