/// Helpers for reading C strings that rabbitmq-c hands back in fixed-size buffers.
enum CString {
    /// The text of a NUL-terminated buffer (a C array imported as a tuple, or `[CChar]`).
    static func string<Buffer>(_ buffer: Buffer) -> String {
        withUnsafeBytes(of: buffer) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
