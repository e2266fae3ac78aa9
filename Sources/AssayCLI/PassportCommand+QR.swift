import AssayReport

extension PassportCommand {
    /// Writes the SVG QR code (error correction M, quiet zone 4 modules) of the product's GS1
    /// Digital Link, on `--resolver` when given.
    func writeQR(_ file: String, product: String) throws {
        let link = Self.digitalLink(product, resolver: resolver)
        let code: QRCode
        do { code = try QRCode(text: link, errorCorrection: .medium) } catch { throw CLIFailure.input("--qr: \(error.description)") }
        try InputFiles.writeAtomically(Array(code.svg(title: link).utf8), to: file)
    }
}
