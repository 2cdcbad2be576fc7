/// Exchanges OctoBot supports (its ccxt ids) and the quote currencies pairs usually use: what the
/// "exchanges and pairs recognised" check compares against. A miss is a hint for the admin, not
/// a refusal, so the lists need not be complete.
enum KnownMarkets {
    static let exchanges: Set<String> = [
        "ascendex", "binance", "binanceus", "bingx", "bitfinex", "bitget", "bitmart", "bitmex", "bitstamp", "bybit",
        "coinbase", "coinex", "cryptocom", "gateio", "hitbtc", "hollaex", "htx", "huobi", "hyperliquid", "kraken",
        "kucoin", "kucoinfutures", "lbank", "mexc", "ndax", "okx", "phemex", "poloniex", "upbit", "wavesexchange", "woo",
    ]

    static let quoteCurrencies: Set<String> = [
        "USDT", "USDC", "FDUSD", "TUSD", "DAI", "BUSD", "USD", "EUR", "GBP", "TRY", "BRL", "JPY", "KRW", "BTC", "ETH", "BNB",
    ]

    /// `BASE/QUOTE` or `BASE/QUOTE:SETTLE` with a usual quote currency.
    static func isRecognised(pair: String) -> Bool {
        let parts = pair.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let quote = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard let first = quote.first, quote.count <= 2 else { return false }
        return quoteCurrencies.contains(String(first)) && (quote.count == 1 || quoteCurrencies.contains(String(quote[1])))
    }
}
