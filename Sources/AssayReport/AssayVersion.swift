/// The version of Assay, printed by `assay --version` and carried in every report (text,
/// JSON and HTML) so a reader knows which verifier produced it.
public enum AssayVersion {
    /// The release version, `major.minor.patch` (semantic versioning).
    public static let current = "0.14.0"
}
