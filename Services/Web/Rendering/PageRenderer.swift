import Foundation
import Hummingbird
import Mustache

/// Renders pages: each template extends `layout` (header with the sign-in state, the assets).
/// Mustache escapes every value, so nothing a user wrote becomes markup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let assets: Assets

    init(assets: Assets) throws {
        var library = MustacheLibrary()
        for (name, bytes) in [
            ("layout", PackageResources.layout_mustache), ("catalog", PackageResources.catalog_mustache),
            ("strategy", PackageResources.strategy_mustache), ("subscriptions", PackageResources.subscriptions_mustache),
            ("editor", PackageResources.editor_mustache), ("editor-new", PackageResources.editor_new_mustache),
            ("editor-strategy", PackageResources.editor_strategy_mustache), ("moderation", PackageResources.moderation_mustache),
            ("moderation-case", PackageResources.moderation_case_mustache), ("account", PackageResources.account_mustache), ("signin", PackageResources.signin_mustache), ("register", PackageResources.register_mustache),
            ("error", PackageResources.error_mustache),
        ] {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
        self.assets = assets
    }

    /// What every page's layout shows.
    struct Chrome: Sendable {
        let signedIn: Bool
        let displayName: String?
        let isAdmin: Bool
        let csrf: String
        let stylesheet: String
        let script: String
        let title: String
    }

    struct Context<Page: Sendable>: Sendable {
        let chrome: Chrome
        let page: Page
    }

    /// HTML forbids control characters other than tab and line breaks, and noncharacters; text
    /// users wrote may hold them (the API keeps what it is given), so they are shown as U+FFFD.
    static func withoutForbiddenCodePoints(_ html: String) -> String {
        func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: false
            case 0x00...0x1F, 0x7F...0x9F, 0xFDD0...0xFDEF: true
            default: scalar.value & 0xFFFE == 0xFFFE
            }
        }
        guard html.unicodeScalars.contains(where: isForbidden) else { return html }
        var cleaned = String.UnicodeScalarView()
        for scalar in html.unicodeScalars {
            cleaned.append(isForbidden(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(cleaned)
    }

    func html<Page: Sendable>(
        _ template: String, title: String, page: Page, session: WebSession?, csrf: String, status: HTTPResponse.Status = .ok
    ) -> Response {
        let chrome = Chrome(
            signedIn: session != nil, displayName: session?.displayName, isAdmin: session?.isAdmin ?? false, csrf: csrf,
            stylesheet: assets.stylesheet.path, script: assets.script.path, title: title
        )
        let body = Self.withoutForbiddenCodePoints(library.render(Context(chrome: chrome, page: page), withTemplate: template) ?? "")
        return Response(
            status: status,
            // Pages show a user's own data: never kept by shared caches.
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
