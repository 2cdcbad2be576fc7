import APIShapes
import ArgumentParser
import Foundation
import Models

/// `astrolab-admin moderation …`: review cases from the terminal.
struct ModerationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderation",
        abstract: "Review strategies: watch events, list, show, approve and reject cases; take published strategies down.",
        subcommands: [WatchCommand.self, ListCommand.self, ShowCommand.self, ApproveCommand.self, RejectCommand.self, TakeDownCommand.self]
    )
}

/// Options the HTTP commands share.
struct APIOptions: ParsableArguments {
    @Option(help: "Where the login kept the tokens (default: $ASTROLAB_ADMIN_CONFIG or ~/.config/astrolab/admin.json).")
    var config: String?

    @Flag(help: "Print the API's JSON instead of text.")
    var json = false

    func api() throws -> AdminAPI {
        try AdminAPI(credentialsPath: config ?? AdminCredentials.defaultPath)
    }

    /// Carries out an admin action (a POST of `body` to `path`) and prints the answer: as the
    /// API wrote it with `--json`, else the line `summary` makes of it.
    func act(_ path: String, _ body: [String: String?], summary: (Data) throws -> String) async throws {
        var api = try api()
        let answer = try await api.call("POST", path, json: body)
        print(json ? String(decoding: answer, as: UTF8.self) : try summary(answer))
    }
}

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List review cases, oldest first.")

    @OptionGroup var options: APIOptions

    @Option(help: "open, approved, rejected or superseded.")
    var status = "open"

    @Flag(help: "List cases of every status.")
    var all = false

    func run() async throws {
        var api = try options.api()
        var cursor: String?
        repeat {
            var query = [all ? nil : "status=\(status)", "limit=100", cursor.map { "cursor=\($0)" }].compactMap { $0 }.joined(separator: "&")
            query = query.isEmpty ? "" : "?" + query
            let body = try await api.call("GET", "/v1/moderation/cases" + query)
            let page = try JSONDecoder().decode(Page<CaseBody>.self, from: body)
            // `--json`: each case as the API wrote it, like `show --json`; the decoded page still
            // checks the answer's shape and gives the cursor.
            for line in try options.json ? PageItemLines.json(of: body) : page.items.map(\.summaryLine) {
                print(line)
            }
            cursor = page.nextCursor
        } while cursor != nil
    }
}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one case with its automated checks.")

    @OptionGroup var options: APIOptions

    @Argument(help: "The case id.")
    var id: String

    func run() async throws {
        var api = try options.api()
        let body = try await api.call("GET", "/v1/moderation/cases/\(try CaseID.validated(id))")
        if options.json {
            print(String(decoding: body, as: UTF8.self))
        } else {
            print(try JSONDecoder().decode(CaseBody.self, from: body).details)
        }
    }
}

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a case: the strategy (or version) goes public.")

    @OptionGroup var options: APIOptions

    @Argument(help: "The case id.")
    var id: String

    @Option(help: "A note for the record.")
    var note: String?

    func run() async throws {
        try await options.act("/v1/moderation/cases/\(try CaseID.validated(id))/approve", ["note": note], summary: CaseBody.summaryLine(of:))
    }
}

struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a case with a reason the author will read.")

    @OptionGroup var options: APIOptions

    @Argument(help: "The case id.")
    var id: String

    @Option(help: "Why, in words the author can act on.")
    var reason: String

    func run() async throws {
        try await options.act("/v1/moderation/cases/\(try CaseID.validated(id))/reject", ["reason": reason], summary: CaseBody.summaryLine(of:))
    }
}

struct TakeDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "take-down",
        abstract: "Take a published strategy down for good: hidden, its subscriptions ended, its followers cut."
    )

    @OptionGroup var options: APIOptions

    @Argument(help: "The strategy id.")
    var strategyId: String

    @Option(help: "Why, in words the author can act on.")
    var reason: String

    func run() async throws {
        guard StrategyID.isValid(strategyId) else { throw ValidationError("\(strategyId) is not a strategy id.") }
        try await options.act("/v1/moderation/strategies/\(strategyId)/take-down", ["reason": reason]) { _ in
            "taken down: \(strategyId)  reason: \(reason)"
        }
    }
}
