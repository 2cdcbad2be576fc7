import Foundation
import Rules
import Testing

@Suite("Settings a service cannot start without")
struct EnvironmentReaderTests {
    @Test("a required secret comes from NAME_FILE (trimmed) or NAME; missing, the error names both and how to make one")
    func requiredSecret() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let both = EnvironmentReader(["TOKEN_SECRET": "inline", "TOKEN_SECRET_FILE": file.path])
        #expect(try both.required("TOKEN_SECRET", both.secret, holding: "a secret", makeOneWith: "openssl rand -base64 48") == "from-file")
        let inline = EnvironmentReader(["TOKEN_SECRET": "inline"])
        #expect(try inline.required("TOKEN_SECRET", inline.secret, holding: "a secret", makeOneWith: "openssl rand -base64 48") == "inline")

        let none = EnvironmentReader([:])
        let missing = #expect(throws: EnvironmentReader.Invalid.self) {
            try none.required("TOKEN_SECRET", none.secret, holding: "the secret download URLs derive from", makeOneWith: "openssl rand -base64 48")
        }
        #expect(
            missing?.description
                == "TOKEN_SECRET_FILE (or TOKEN_SECRET) must hold the secret download URLs derive from; make one with: openssl rand -base64 48"
        )
    }
}
