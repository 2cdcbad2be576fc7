import HTTPTypes

/// Header names HTTPTypes does not predefine.
extension HTTPField.Name {
    public static let requestID = known("X-Request-Id")
    public static let realIP = known("X-Real-IP")
    /// Server-sent events: where a reconnecting client left off.
    public static let lastEventID = known("Last-Event-ID")
    /// Tells nginx not to buffer a streamed response.
    public static let accelBuffering = known("X-Accel-Buffering")
    /// The community API's public key (Supabase clients send it on every request).
    public static let apiKey = known("apikey")
    /// PostgREST writes: `return=representation` asks for the written rows back.
    public static let prefer = known("Prefer")
    /// Pages: how much of the page's URL other sites see (download URLs hold a token).
    public static let referrerPolicy = known("Referrer-Policy")
    /// Pages: no framing, for browsers that ignore CSP's `frame-ancestors`.
    public static let xFrameOptions = known("X-Frame-Options")
    /// The GoTrue error-shape version a Supabase auth client reads codes by.
    public static let supabaseAPIVersion = known("X-Supabase-Api-Version")

    /// A name written in this file; `HTTPField.Name` only refuses names with invalid characters.
    private static func known(_ name: String) -> Self {
        guard let field = Self(name) else { preconditionFailure("\(name) is not a valid header name") }
        return field
    }
}
