import ArgumentParser

/// `astrolab-admin`: operator commands for an Astrolab installation.
@main
struct AstrolabAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "astrolab-admin",
        abstract: "Operate an Astrolab installation.",
        subcommands: [MigrateCommand.self, UsersCommand.self, SubscriptionsCommand.self, SignalsCommand.self, LoginCommand.self, ModerationCommand.self]
    )
}
