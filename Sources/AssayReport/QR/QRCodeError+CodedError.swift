// Inside the Assay package the QR error is one of the module errors every front end prints the
// same way; the encoder itself needs nothing beyond Foundation, so it still builds on its own.
#if canImport(AssayCore)
public import AssayCore

extension QRCodeError: CodedError {}
#endif
