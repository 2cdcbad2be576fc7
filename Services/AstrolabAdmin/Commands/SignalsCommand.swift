import ArgumentParser
import Foundation
import Models
import SignalStore

/// `astrolab-admin signals …`: the signal log.
struct SignalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signals",
        abstract: "Inspect signal logs.",
        subcommands: [VerifyCommand.self]
    )
}

/// `astrolab-admin signals verify --strategy ID`: recomputes the strategy's hash chain from the
/// stored envelopes; exits non-zero at the first record that does not check out.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute a strategy's signal hash chain."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The strategy identifier.")
    var strategy: String

    func validate() throws {
        guard StrategyID.isValid(strategy) else { throw ValidationError("--strategy must be a strategy identifier.") }
    }

    func run() async throws {
        let strategy = self.strategy
        let (verification, head) = try await database.withClient { client, logger in
            let log = PostgresSignalLog(client: client, logger: logger)
            return (try await log.verify(strategy), try await log.head(of: strategy))
        }
        guard let bad = verification.firstBadSeq else {
            print("\(strategy): \(verification.records) records, chain valid; head seq \(head.seq) hash \(SignalRecord.hex(head.hash))")
            return
        }
        print("\(strategy): chain broken at seq \(bad) (\(verification.records) records before it check out)")
        throw ExitCode(2)
    }
}
