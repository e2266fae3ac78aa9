/// The harness itself could not do something (start a process, write a file): not a finding
/// about Assay, but it stops the test with a message saying what and where.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
