import Foundation

/// `s` in Unicode Normalization Form C (canonical composition), from Foundation.
func nfcComposed(_ s: String) -> String { s.precomposedStringWithCanonicalMapping }
