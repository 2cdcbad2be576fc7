/// Recently served zips, by a key that changes whenever their content could (a sha256 for stored
/// versions, the strategy's last update for generated follower profiles), so entries never go
/// stale; the oldest go first past `capacityBytes`. It saves a database round trip per download
/// of a popular strategy. Access checks never use it.
actor ZipCache {
    private let capacityBytes: Int
    private var entries: [String: [UInt8]] = [:]
    private var order: [String] = []
    private var sizeBytes = 0

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    func bytes(for key: String) -> [UInt8]? {
        entries[key]
    }

    func store(_ bytes: [UInt8], for key: String) {
        guard entries[key] == nil, bytes.count <= capacityBytes else { return }
        entries[key] = bytes
        order.append(key)
        sizeBytes += bytes.count
        while sizeBytes > capacityBytes, !order.isEmpty {
            let oldest = order.removeFirst()
            sizeBytes -= entries.removeValue(forKey: oldest)?.count ?? 0
        }
    }
}
