/// The page `GET /01/{gtin}/21/{serial}` sends a browser (`Accept: text/html`): for now a minimal
/// page naming the product and linking to its bundle (the passport page replaces it).
struct ProductPage {
    /// The product, canonical form.
    let product: String
    /// The log origin.
    let origin: String
    /// How many entries are about the product itself.
    let entries: Int

    var html: String {
        let link = "/v1/bundles/" + PercentDecoding.encode(product)
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(product))</title></head>
        <body>
        <h1>\(Self.escape(product))</h1>
        <p>\(entries) \(entries == 1 ? "entry" : "entries") in the Assay ledger <code>\(Self.escape(origin))</code> \(entries == 1 ? "is" : "are") about this product.</p>
        <p><a href="\(Self.escape(link))">The product's evidence bundle</a> (JSON): verify it offline with <code>assay verify --bundle</code>.</p>
        </body></html>

        """
    }

    /// Text safe in HTML element content and double-quoted attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
