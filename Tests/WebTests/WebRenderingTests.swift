import Foundation
import Hummingbird
import Logging
import Models
import ServiceKit
import Testing
import TestSupport

@testable import Web

@Suite("The website's text handling: descriptions, filters, redirects, forms")
struct WebRenderingTests {
    @Test("descriptions: paragraphs by blank lines, only http(s) URLs become links, trailing punctuation stays text")
    func richText() {
        let text = RichText("First line.\n\nSee https://example.com/a, or javascript:alert(1) and ftp://x.org.\r\n\r\n\n\nLast <b>bold</b>")
        #expect(text.paragraphs.count == 3)
        #expect(text.paragraphs[1].pieces == [
            .init(text: "See ", link: nil), .init(text: "https://example.com/a", link: "https://example.com/a"),
            .init(text: ", or javascript:alert(1) and ftp://x.org.", link: nil),
        ])
        #expect(text.paragraphs[2].pieces == [.init(text: "Last <b>bold</b>", link: nil)], "markup stays text for the template to escape")
        #expect(RichText("   \n\n  ").paragraphs.isEmpty)
    }

    @Test("the catalog's filters: unknown kinds and sorts fall back, values are percent-encoded for the API and the next page")
    func catalogFilters() {
        let filters = CatalogFilters(FormQuery("q=btc+dip&kind=weird&pair=BTC%2FUSDT&sort=popular&exchange="))
        #expect(filters.kind.isEmpty)
        #expect(filters.apiQuery(cursor: nil) == "sort=popular&limit=24&q=btc%20dip&pair=BTC%2FUSDT")
        #expect(filters.pageQuery(cursor: "abc_1") == "q=btc%20dip&pair=BTC%2FUSDT&sort=popular&cursor=abc_1")
        #expect(CatalogFilters(FormQuery(nil)).sort == "newest")
    }

    @Test("after signing in, only a path on this site: no other host, no scheme, no backslash tricks")
    func safeNext() {
        #expect(SignInPages.safeNext("/strategies/abc") == "/strategies/abc")
        for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "evil", "", nil, "/x?u=https://evil"] as [String?] {
            #expect(SignInPages.safeNext(hostile) == "/", "\(hostile ?? "nil")")
        }
    }

    @Test("control characters and noncharacters never reach the HTML; tabs and line breaks do")
    func forbiddenCodePoints() {
        #expect(PageRenderer.withoutForbiddenCodePoints("a\u{7}b\u{8F}c\u{FFFE}d\te\nf") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te\nf")
        #expect(PageRenderer.withoutForbiddenCodePoints("plain é 日本") == "plain é 日本")
    }

    @Test("dates: the API's timestamps shown as the pages showed the `Date`s they once decoded; one they cannot read, as sent")
    func displayDates() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for timestamp in ["2026-12-01T10:00:00Z", "2026-12-01T23:30:00-05:00", "2026-01-01T00:30:00+01:00"] {
            let date = try decoder.decode(Date.self, from: Data("\"\(timestamp)\"".utf8))
            #expect(DisplayDate.day(timestamp) == date.formatted(Date.ISO8601FormatStyle().year().month().day()), "\(timestamp)")
            #expect(DisplayDate.instant(timestamp) == date.formatted(Date.ISO8601FormatStyle()), "\(timestamp)")
        }
        #expect(DisplayDate.day("2026-12-01T10:00:00Z") == "2026-12-01")
        #expect(DisplayDate.instant("2026-12-01T23:30:00-05:00") == "2026-12-02T04:30:00Z")
        #expect(DisplayDate.day("not a date") == "not a date")
    }

    @Test("multipart headers: quoted and bare parameters, case-insensitive names")
    func multipartParameters() {
        #expect(MultipartForm.boundary("multipart/form-data; boundary=----WebKitFormBoundaryX1") == "----WebKitFormBoundaryX1")
        #expect(MultipartForm.parameter("filename", in: #"form-data; name="profile"; filename="my export.zip""#) == "my export.zip")
        #expect(MultipartForm.parameter("name", in: #"form-data; NAME="logo""#) == "logo")
        #expect(MultipartForm.parameter("filename", in: #"form-data; name="name""#) == nil)
    }

    @Test("strategy ids in page paths: lower-case letters and digits only")
    func strategyIds() throws {
        #expect(try StrategyPage.strategyId("k3v9x2mq7d") == "k3v9x2mq7d")
        for bad in ["K3V9", "../etc", "a", "abc%2F", String(repeating: "a", count: 40)] {
            #expect(throws: PageError.self) { try StrategyPage.strategyId(bad) }
        }
    }
}

/// The `data` of a live feed's `signal` event, what the strategy page's script reads of it.
private struct LiveSignalData: Decodable {
    let seq: Int
    let hash: String
    let summary: String
}

@Suite("Web sessions against PostgreSQL")
struct WebSessionStoreTests {
    static let logger = Logger(label: "web-test")

    @Test("a session is found by its cookie until it expires; of two renewals of one refresh token, one wins")
    func store() async throws {
        let database = try await TestDatabase.create()
        let user = try await TestAccounts().user("Session", in: database, at: Date())
        try await database.withClient { client in
            let store = PostgresWebSessionStore(client: client, logger: Self.logger)
            // Whole seconds: PostgreSQL keeps microseconds, Date more.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let cookie = SecretToken.generate()
            let session = WebSession(
                cookieHash: cookie.hash, userId: user.id, displayName: "Session", isAdmin: false, accessToken: "a1",
                accessExpiresAt: now.addingTimeInterval(900), refreshToken: "r1", expiresAt: now.addingTimeInterval(3600)
            )
            try await store.create(session, at: now)
            #expect(try await store.find(cookieHash: cookie.hash, at: now) == session)
            #expect(try await store.find(cookieHash: SecretToken.generate().hash, at: now) == nil)
            #expect(try await store.find(cookieHash: cookie.hash, at: now.addingTimeInterval(3601)) == nil, "expired")

            let first = try await store.renew(cookieHash: cookie.hash, previousRefreshToken: "r1", accessToken: "a2", accessExpiresAt: now, refreshToken: "r2")
            let second = try await store.renew(cookieHash: cookie.hash, previousRefreshToken: "r1", accessToken: "a3", accessExpiresAt: now, refreshToken: "r3")
            #expect(first && !second)
            #expect(try await store.find(cookieHash: cookie.hash, at: now)?.refreshToken == "r2")

            try await store.prune(at: now.addingTimeInterval(7200))
            #expect(try await store.find(cookieHash: cookie.hash, at: now) == nil)
        }
    }

    @Test("the live feed: relay frames become signal events with the page's summary; access ending ends the feed; the stream URL follows the API's scheme")
    func liveSignalFrames() throws {
        let frame = """
            {"type":"signal","record":{"strategyId":"abcdefghij","seq":7,"messageId":"u1","hash":"\(String(repeating: "ab", count: 32))","prevHash":"x",
            "receivedAt":"2026-12-01T10:00:00Z","envelope":{"t":"t","v":"1.0.0","u":"u1","s":{"identifier":"abcdefghij","signals":[
            {"topic":"orders","content":{"action":"create","side":"buy","symbol":"BTC/USDT","target_amount":"5%"}}]}}}}
            """
        guard case .signal(let event) = LiveSignals.translate(frame) else { Issue.record("not a signal event"); return }
        let text = String(buffer: event)
        #expect(text.hasPrefix("id: 7\nevent: signal\ndata: "))
        #expect(text.hasSuffix("\n\n"))
        let data = try #require(text.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
        let fields = try JSONDecoder().decode(LiveSignalData.self, from: Data(data.utf8))
        #expect(fields.seq == 7)
        #expect(fields.summary == "create buy BTC/USDT 5%")
        #expect(fields.hash == String(repeating: "ab", count: 32))
        guard case .ended = LiveSignals.translate(#"{"type":"unsubscribed","strategyId":"abcdefghij","reason":"subscription_ended"}"#) else {
            Issue.record("unsubscribed does not end the feed"); return
        }
        guard case .ended = LiveSignals.translate(#"{"type":"error","strategyId":"abcdefghij","code":"not_entitled","message":"no"}"#) else {
            Issue.record("a refusal does not end the feed"); return
        }
        guard case .ignored = LiveSignals.translate(#"{"type":"subscribed","strategyId":"abcdefghij","headSeq":3}"#) else {
            Issue.record("subscribed is forwarded"); return
        }
        guard case .ignored = LiveSignals.translate("not json") else { Issue.record("garbage is forwarded"); return }
        #expect(LiveSignals.streamURL(apiBaseURL: "http://edge:8080") == "ws://edge:8080/v1/signals/stream")
        #expect(LiveSignals.streamURL(apiBaseURL: "https://astrolab.example") == "wss://astrolab.example/v1/signals/stream")
    }
}
