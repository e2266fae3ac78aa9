extension QRCode {
    /// The symbol as a standalone SVG image: a white square (the quiet zone included) and the
    /// dark modules as one `<path>` of row runs, with `shape-rendering="crispEdges"`. Fill and
    /// stroke are explicit on both shapes: ImageMagick's built-in SVG renderer (which zbarimg
    /// reads through) otherwise outlines them and the modules bleed together.
    ///
    /// The `viewBox` counts modules, so the image scales cleanly; `width` and `height` are
    /// pixels at `moduleSize`. The root has `role="img"` and a `<title>` (its accessible name).
    /// No XML declaration, so the text can also be placed inline in an HTML page.
    /// - Parameters:
    ///   - moduleSize: pixels per module in `width` and `height` (at least 1).
    ///   - quietZone: light modules around the symbol (at least 0; the standard asks for 4).
    ///   - title: the accessible name, XML-escaped; "QR code" when nil.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String? = nil) -> String {
        let quiet = max(0, quietZone)
        let side = size + 2 * quiet
        let pixels = side * max(1, moduleSize)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quiet) \(y + quiet)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
        viewBox="0 0 \(side) \(side)" role="img" shape-rendering="crispEdges">\
        <title>\(HTMLReport.esc(title ?? "QR code"))</title>\
        <rect width="\(side)" height="\(side)" fill="#fff" stroke="none"/>\
        <path fill="#000" stroke="none" d="\(path)"/>\
        </svg>

        """
    }
}
