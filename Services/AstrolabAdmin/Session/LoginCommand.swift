import ArgumentParser
import Foundation

/// `astrolab-admin login --url http://localhost:8080 --email admin@…`: signs in and keeps the
/// tokens (mode 0600) for the moderation commands.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in as an admin; the password is read from $ASTROLAB_PASSWORD or standard input."
    )

    @Option(help: "The edge's URL.")
    var url = "http://localhost:8080"

    @Option(help: "The admin's email.")
    var email: String

    @Option(help: "Where to keep the tokens (default: $ASTROLAB_ADMIN_CONFIG or ~/.config/astrolab/admin.json).")
    var config: String?

    func run() async throws {
        let password = try readPassword()
        let path = config ?? AdminCredentials.defaultPath
        let credentials = try await AdminAPI.login(baseURL: url, email: email, password: password, credentialsPath: path)
        print("signed in as \(credentials.email) at \(credentials.baseURL); tokens kept in \(path)")
    }

    private func readPassword() throws -> String {
        if let password = ProcessInfo.processInfo.environment["ASTROLAB_PASSWORD"], !password.isEmpty { return password }
        var line: String?
        if isatty(STDIN_FILENO) != 0 {
            FileHandle.standardError.write(Data("Password: ".utf8))
            // Do not echo the password to the terminal.
            var original = termios()
            tcgetattr(STDIN_FILENO, &original)
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &silent)
            line = readLine(strippingNewline: true)
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        } else {
            line = readLine(strippingNewline: true)
        }
        guard let line, !line.isEmpty else { throw CLIError("No password given.") }
        return line
    }
}
