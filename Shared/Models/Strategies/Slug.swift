import Foundation

/// URL-friendly names made from a strategy's name: "BTC Dip-Hunter (v2)!" → "btc-dip-hunter-v2".
/// The slug ends download URLs, where OctoBot turns it into the imported profile's folder name.
public enum Slug {
    public static let maxLength = 48

    public static func make(from name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var slug = ""
        for scalar in folded.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        slug = String(slug.prefix(maxLength))
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "strategy" : slug
    }
}
