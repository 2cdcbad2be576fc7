import Foundation

/// A strategy's description as the page shows it: plain text in paragraphs (separated by blank
/// lines), with http(s) links made clickable. Never markup: each piece is escaped by the
/// template, and only `http` and `https` URLs become links (no `javascript:`).
struct RichText: Sendable, Equatable {
    struct Paragraph: Sendable, Equatable {
        let pieces: [Piece]
    }

    struct Piece: Sendable, Equatable {
        let text: String
        let link: String?
    }

    let paragraphs: [Paragraph]

    init(_ text: String) {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        paragraphs = normalised.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
            .map { Paragraph(pieces: Self.pieces($0)) }
    }

    static func pieces(_ paragraph: String) -> [Piece] {
        var pieces: [Piece] = []
        var plain = ""
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
            // Punctuation right after a URL ends the sentence, not the URL.
            var trimmed = Substring(word)
            while let last = trimmed.last, ".,;:!?)".contains(last) { trimmed = trimmed.dropLast() }
            let candidate = String(trimmed)
            if let url = URL(string: candidate), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil {
                if !plain.isEmpty { pieces.append(Piece(text: plain, link: nil)) }
                pieces.append(Piece(text: candidate, link: candidate))
                plain = String(word.dropFirst(candidate.count)) + " "
            } else {
                plain += word + " "
            }
        }
        let rest = plain.hasSuffix(" ") ? String(plain.dropLast()) : plain
        if !rest.isEmpty { pieces.append(Piece(text: rest, link: nil)) }
        return pieces
    }
}
