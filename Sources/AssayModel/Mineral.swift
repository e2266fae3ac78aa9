/// The minerals whose chain of custody is traced to smelters and refiners: the conflict
/// minerals of Regulation (EU) 2017/821 (tin, tantalum, tungsten, gold) and the battery raw
/// materials of Regulation (EU) 2023/1542 Art. 48 (cobalt, lithium, nickel, natural graphite).
public enum Mineral: String, CaseIterable, Sendable, Hashable, Comparable {
    case tin
    case tantalum
    case tungsten
    case gold
    case cobalt
    case lithium
    case nickel
    case naturalGraphite = "natural-graphite"

    /// Orders as `allCases` lists them (conflict minerals first).
    public static func < (a: Mineral, b: Mineral) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Whether it is a conflict mineral (Regulation (EU) 2017/821) rather than a battery raw material.
    public var isConflictMineral: Bool { [.tin, .tantalum, .tungsten, .gold].contains(self) }

    /// The regulation that asks for its chain of custody.
    public var regulation: String {
        isConflictMineral ? "Regulation (EU) 2017/821" : "Regulation (EU) 2023/1542 Art. 48"
    }

    /// The chemical symbol (`Sn`, `Ta`, `W`, `Au`, `Co`, `Li`, `Ni`, `C` for graphite).
    public var symbol: String {
        switch self {
        case .tin: "Sn"
        case .tantalum: "Ta"
        case .tungsten: "W"
        case .gold: "Au"
        case .cobalt: "Co"
        case .lithium: "Li"
        case .nickel: "Ni"
        case .naturalGraphite: "C"
        }
    }

    /// The minerals a declared material's name names, so that an auditor can ask for their
    /// chain of custody. A name names a mineral when, compared case-insensitively and split
    /// into words at every character that is not an ASCII letter, one of its words is the
    /// mineral's name (`tin`, `tantalum`, `tungsten`, `gold`, `cobalt`, `lithium`, `nickel`;
    /// `graphite` for natural graphite unless the word before it is `synthetic` or
    /// `artificial`), or the whole name is the chemical symbol written as such (`Sn`, `Ta`,
    /// `W`, `Au`, `Co`, `Li`, `Ni`; not `C`). So "tin solder", "Lithium carbonate",
    /// "cobalt(II) sulfate", "natural graphite" and "Au" do; "tinned copper", "NMC811" and
    /// "synthetic graphite" do not.
    public static func named(inMaterial name: String) -> [Mineral] {
        let words = name.lowercased().split(whereSeparator: { !($0.isASCII && $0.isLetter) }).map(String.init)
        var found: [Mineral] = []
        for m in allCases {
            let hit: Bool
            if m == .naturalGraphite {
                hit = words.indices.contains { i in words[i] == "graphite" && (i == 0 || !["synthetic", "artificial"].contains(words[i - 1])) }
            } else {
                hit = words.contains(m.rawValue) || name == m.symbol
            }
            if hit { found.append(m) }
        }
        return found
    }
}
