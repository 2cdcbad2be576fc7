import Foundation
import Models
import Testing

@testable import Moderation

@Suite("Automated checks")
struct AutomatedChecksTests {
    @Test("descriptions: short, noisy or shouting text is flagged; ordinary text passes")
    func descriptions() {
        #expect(AutomatedChecks.description("Buys BTC after a 5% dip and sells on a 3% rebound, with a stop loss.").passed)
        #expect(!AutomatedChecks.description("Buy low.").passed)
        #expect(!AutomatedChecks.description("THIS STRATEGY MAKES MONEY EVERY SINGLE DAY GUARANTEED!!!").passed)
        #expect(!AutomatedChecks.description("Great strategy with amazing results!!!!!!!!!! really").passed)
        #expect(!AutomatedChecks.description("$$$ 1000% 1000% 1000% 1000% 1000% 1000% 1000% $$$").passed)
    }

    @Test("links in the description are listed")
    func links() {
        let check = AutomatedChecks.links("Join https://t.me/pumpgroup and www.example.com/x today")
        #expect(!check.passed)
        #expect(check.detail.contains("https://t.me/pumpgroup") && check.detail.contains("www.example.com/x"))
        #expect(AutomatedChecks.links("No links here.").passed)
    }

    @Test("exchanges and pairs are compared with what OctoBot supports")
    func markets() {
        #expect(AutomatedChecks.markets(exchanges: ["binance"], pairs: ["BTC/USDT", "ETH/USDT:USDT"]).passed)
        let odd = AutomatedChecks.markets(exchanges: ["scamex"], pairs: ["BTC/XYZ"])
        #expect(!odd.passed && odd.detail.contains("scamex") && odd.detail.contains("BTC/XYZ"))
    }

    @Test("names a slug or two edits away from a published one are near-duplicates")
    func names() {
        let published = [(id: "abcd1234", name: "BTC Dip Hunter")]
        #expect(!AutomatedChecks.nameUniqueness("btc dip-hunter", among: published).passed)
        #expect(!AutomatedChecks.nameUniqueness("BTC Dip Hunters", among: published).passed)
        #expect(AutomatedChecks.nameUniqueness("ETH grid", among: published).passed)
        #expect(AutomatedChecks.editDistance("kitten", "sitting", limit: 5) == 3)
    }

    @Test("new accounts are pointed out")
    func accountAge() {
        let now = Date()
        #expect(!AutomatedChecks.accountAge(since: now.addingTimeInterval(-86_400), now: now).passed)
        #expect(AutomatedChecks.accountAge(since: now.addingTimeInterval(-30 * 86_400), now: now).passed)
    }
}
