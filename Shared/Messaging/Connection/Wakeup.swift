#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe the connection thread polls next to its socket, so that other threads can wake it
/// when they hand it work instead of it spinning on short timeouts.
final class Wakeup: Sendable {
    /// The end the connection thread polls.
    let fd: Int32
    private let writeEnd: Int32

    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    /// Any thread. A full pipe already means "wake up", so a failed write loses nothing.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// The connection thread, after poll said the pipe is readable.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    deinit {
        close(fd)
        close(writeEnd)
    }
}

/// Waits until one of `fds` is readable or `timeoutMilliseconds` pass; returns which were readable.
func pollReadable(_ fds: [Int32], timeoutMilliseconds: Int32) -> [Bool] {
    var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let result = poll(&entries, nfds_t(entries.count), timeoutMilliseconds)
    guard result > 0 else { return fds.map { _ in false } }
    return entries.map { $0.revents != 0 }
}
