import Foundation
import Logging
import Models
import ServiceLifecycle
import SubscriptionStore

/// Ends subscriptions whose end date has passed, every `interval`, in every replica (the
/// repository's `SKIP LOCKED` sweep makes that safe). Access already stops at the end date
/// (every check compares it with the clock); this makes it visible and emits the events.
struct ExpiryJob: Service {
    static let batchSize = 500

    let subscriptions: any SubscriptionRepository
    let interval: Duration
    let clock: any WallClock
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Expires everything due now; returns how many ended.
    @discardableResult
    func sweep() async -> Int {
        var total = 0
        do {
            while true {
                let expired = try await subscriptions.expireDue(at: clock.now(), limit: Self.batchSize)
                total += expired
                if expired < Self.batchSize { break }
            }
            if total > 0 { logger.info("subscriptions expired", metadata: ["count": "\(total)"]) }
        } catch {
            logger.warning("expiry sweep failed; it runs again later", metadata: ["error": "\(String(reflecting: error))"])
        }
        return total
    }
}
