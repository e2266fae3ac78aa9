/// Identifier checks used by the EPCIS decoder. GS1 identifiers (EPC URNs and GS1 Digital
/// Link URIs) are parsed and their check digits verified; any other absolute URI is
/// accepted as a private identifier.
func checkObjectIdentifier(_ s: String, field: String) throws(ModelError) {
    guard isAbsoluteURI(s) else {
        throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not an identifier URI")
    }
    try checkGS1IfApplicable(s, field: field)
}

func checkLocationIdentifier(_ s: String, field: String) throws(ModelError) {
    guard isAbsoluteURI(s) else {
        throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a location identifier URI")
    }
    try checkGS1IfApplicable(s, field: field)
}

/// Checks a party identifier (GLN as Digital Link `…/417/…`, an EPC PGLN URN, or another URI).
public func checkPartyIdentifier(_ s: String, field: String) throws(ModelError) {
    guard isAbsoluteURI(s) else {
        throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a party identifier URI")
    }
    try checkGS1IfApplicable(s, field: field)
}
