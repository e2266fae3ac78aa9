/// Proactive content negotiation on `Accept` (RFC 9110 §12.5.1): picks the offered media type
/// the client prefers.
enum MediaNegotiation {
    /// The offer with the highest quality value; ties go to the earlier offer. Each offer's
    /// quality is that of the most specific media range matching it (`type/subtype` over
    /// `type/*` over `*/*`); an offer no range matches, or matched with `q=0`, is unacceptable.
    /// No `Accept` field, or only empty ones, means anything is acceptable (the first offer).
    /// Ranges with a malformed quality value are ignored.
    /// - Parameters:
    ///   - accept: the values of every `Accept` field of the request.
    ///   - offers: lower-case `type/subtype` media types, in the server's order of preference.
    /// - Returns: the chosen offer, or nil when none is acceptable (406).
    static func choose(accept: [String], offers: [String]) -> String? {
        let ranges = accept.flatMap { $0.split(separator: ",") }.compactMap(MediaRange.init)
        if accept.allSatisfy({ $0.allSatisfy { $0 == " " || $0 == "\t" } }) { return offers.first }
        var best: (offer: String, q: Double)?
        for offer in offers {
            let matching = ranges.filter { $0.matches(offer) }
            guard let top = matching.max(by: { $0.specificity < $1.specificity }) else { continue }
            // Equally specific ranges (a repeated type): the highest quality among them.
            let q = matching.filter { $0.specificity == top.specificity }.map(\.q).max() ?? 0
            if q > 0, q > (best?.q ?? 0) { best = (offer, q) }
        }
        return best?.offer
    }

    struct MediaRange {
        let type: String
        let subtype: String
        let q: Double

        init?(_ text: Substring) {
            let parts = text.split(separator: ";").map { Self.trim($0) }
            guard let range = parts.first, !range.isEmpty else { return nil }
            let ts = range.lowercased().split(separator: "/", omittingEmptySubsequences: false)
            guard ts.count == 2, !ts[0].isEmpty, !ts[1].isEmpty, !(ts[0] == "*" && ts[1] != "*") else { return nil }
            type = String(ts[0])
            subtype = String(ts[1])
            var q = 1.0
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1).map { Self.trim($0) }
                guard kv.count == 2, kv[0].lowercased() == "q" else { continue }
                // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
                guard kv[1].utf8.count <= 5, let v = Double(kv[1]), v >= 0, v <= 1,
                      kv[1].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
                q = v
            }
            self.q = q
        }

        var specificity: Int { type == "*" ? 0 : (subtype == "*" ? 1 : 2) }

        func matches(_ offer: String) -> Bool {
            let o = offer.split(separator: "/")
            return (type == "*" || type == o[0]) && (subtype == "*" || subtype == o[1])
        }

        static func trim(_ s: Substring) -> String {
            String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
    }
}
