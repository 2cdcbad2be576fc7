import Crypto
import Foundation
import Hummingbird
import Models
import ServiceKit

/// Cross-site request forgery protection for every form that changes something, signed in or
/// not (a forged login is an attack too): a random token in an HttpOnly cookie, repeated in a
/// hidden field; a POST whose field does not match its cookie changes nothing (403). Another
/// site can make a browser send the cookie, but can neither read it nor set the field to it.
enum CSRF {
    static let cookieName = "astrolab_csrf"
    static let fieldName = "csrf"

    /// The request's token, and the cookie to set when it had none yet.
    static func token(for request: Request, cookies: CookiePolicy) -> (value: String, newCookie: Cookie?) {
        if let existing = request.cookies[cookieName]?.value, existing.count >= 32 {
            return (existing, nil)
        }
        let value = SecretToken.generate().value
        return (value, cookies.cookie(cookieName, value: value, maxAge: 86_400 * 30, sameSite: .strict))
    }

    /// Whether a form's token (its `csrf` field) is the cookie's.
    static func isValid(_ field: String?, request: Request) -> Bool {
        guard let cookie = request.cookies[cookieName]?.value, cookie.count >= 32, let field else { return false }
        return SHA256.hash(data: Data(cookie.utf8)) == SHA256.hash(data: Data(field.utf8))
    }
}
