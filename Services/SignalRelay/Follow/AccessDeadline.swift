import Foundation
import Models

/// Ends access at a subscription's end date, before the expiry sweep emits its event. The clock
/// is read again after every nap (at most a second) because an injected clock may jump.
enum AccessDeadline {
    static func schedule(_ until: Date, clock: any WallClock, while isOpen: @escaping @Sendable () -> Bool, then end: @escaping @Sendable () -> Void) {
        Task {
            while isOpen(), clock.now() < until {
                try? await Task.sleep(for: .milliseconds(min(1000, max(10, Int(until.timeIntervalSince(clock.now()) * 1000)))))
            }
            if isOpen() { end() }
        }
    }
}
