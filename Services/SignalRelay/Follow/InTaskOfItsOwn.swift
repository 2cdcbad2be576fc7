/// Runs `work` in a short task and waits for it.
///
/// A task keeps the memory its deepest call needed until it ends, and a follower connection's
/// task lasts as long as the connection. The database calls of a device's CONNECT and of a
/// subscription (about 10 KiB of async frames) would otherwise stay with every idle follower:
/// measured with heaptrack, a third of a connection's footprint.
func inTaskOfItsOwn<Value: Sendable>(_ work: @escaping @Sendable () async -> Value) async -> Value {
    await Task { await work() }.value
}
