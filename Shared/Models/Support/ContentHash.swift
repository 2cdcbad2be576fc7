import Crypto

/// Content addresses: stored zips and logos are named and ETagged by the sha256 of their bytes.
public enum ContentHash {
    /// Lower-case hex sha256 of `bytes`.
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
