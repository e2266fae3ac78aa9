/// The languages a passport page is written in; the browser's preferred language picks one.
public enum PassportLanguage: String, CaseIterable, Sendable {
    case en, de
}

/// Every string a passport page shows, in every language, in one catalogue. `{0}`, `{1}` …
/// stand for arguments. Keys starting with `js.` are also handed to the page's script (the
/// verification status it writes).
struct PassportStrings: Sendable {
    let language: PassportLanguage

    /// Key → (English, German).
    static let catalogue: [String: (en: String, de: String)] = [
        "page.title": ("{0} — product passport", "{0} — Produktpass"),
        "page.kind": ("Product passport", "Produktpass"),
        "product.gtin": ("Product number (GTIN) {0}", "Produktnummer (GTIN) {0}"),
        "product.serial": ("serial number {0}", "Seriennummer {0}"),
        "product.lot": ("batch {0}", "Charge {0}"),
        "product.madeBy": ("Made by {0}", "Hergestellt von {0}"),
        "product.madeOn": ("on {0}", "am {0}"),
        "product.unknownMaker": ("The maker of this product is not on record.", "Der Hersteller dieses Produkts ist nicht verzeichnet."),
        "product.category": ("Category: {0}", "Kategorie: {0}"),
        "language.label": ("Language", "Sprache"),

        "glance.heading": ("At a glance", "Auf einen Blick"),
        "security.heading": ("Security updates", "Sicherheitsupdates"),
        "security.until": ("Security updates until {0}", "Sicherheitsupdates bis {0}"),
        "security.ended": ("Security updates ended on {0}", "Sicherheitsupdates endeten am {0}"),
        "security.none": ("The maker has not committed to a date for security updates.", "Der Hersteller hat sich auf kein Datum für Sicherheitsupdates festgelegt."),
        "security.contact": ("Report a vulnerability: {0} (answered within {1} days)", "Schwachstelle melden: {0} (Antwort innerhalb von {1} Tagen)"),
        "security.mechanism": ("Updates arrive: {0}", "Updates kommen: {0}"),
        "repair.heading": ("Repair", "Reparatur"),
        "repair.info": ("Repair information", "Reparaturinformationen"),
        "repair.parts": ("Spare parts available until {0}", "Ersatzteile erhältlich bis {0}"),
        "repair.part": ("{0}: until {1}, delivered within {2} days", "{0}: bis {1}, Lieferung innerhalb von {2} Tagen"),
        "repair.noParts": ("No spare parts are promised.", "Es werden keine Ersatzteile zugesagt."),
        "repair.none": ("No repair commitment is on record.", "Keine Reparaturzusage verzeichnet."),
        "recycling.heading": ("Return and recycling", "Rückgabe und Recycling"),
        "recycling.channel": ("Take it back: {0}", "Rückgabe: {0}"),
        "recycling.scheme": ("Recycling scheme: {0}", "Recyclingsystem: {0}"),
        "recycling.none": ("No take-back commitment is on record.", "Keine Rücknahmezusage verzeichnet."),
        "status.heading": ("Status", "Status"),
        "status.inUse": ("In use", "In Gebrauch"),
        "status.repaired": ("In use, repaired {0} time(s), last on {1}", "In Gebrauch, {0}-mal repariert, zuletzt am {1}"),
        "status.ended": ("End of life: {0} on {1}", "Lebensende: {0} am {1}"),
        "eol.reused": ("reused", "wiederverwendet"),
        "eol.remanufactured": ("remanufactured", "wiederaufbereitet"),
        "eol.repurposed": ("repurposed", "umgenutzt"),
        "eol.recycled": ("recycled", "recycelt"),
        "eol.waste": ("disposed of", "entsorgt"),
        "eol.collected": ("collected", "eingesammelt"),

        "parts.heading": ("Where its parts came from", "Woher die Teile kommen"),
        "parts.countries": ("Countries of origin: {0}", "Herkunftsländer: {0}"),
        "parts.suppliers": ("Direct suppliers: {0}", "Direkte Lieferanten: {0}"),
        "parts.none": ("No parts are on record.", "Keine Teile verzeichnet."),
        "parts.picture": ("The product's parts, with who made them and where", "Die Teile des Produkts, wer sie hergestellt hat und wo"),
        "parts.noOrigin": ("origin not on record", "Herkunft nicht verzeichnet"),
        "parts.seeAbove": ("shown above", "siehe oben"),
        "parts.more": ("and {0} more part(s), listed in the evidence", "und {0} weitere Teile, siehe Nachweise"),

        "materials.heading": ("What it is made of", "Woraus es besteht"),
        "materials.none": ("No material data is on record.", "Keine Materialangaben verzeichnet."),
        "materials.more": ("{0} more value(s) in the evidence", "{0} weitere Werte in den Nachweisen"),

        "principles.heading": ("How it measures up", "Wie es abschneidet"),
        "principles.intro": ("One line per IoTmark principle, judged by Assay {0} on {1} from the entries below.", "Eine Zeile je IoTmark-Grundsatz, beurteilt von Assay {0} am {1} anhand der Einträge unten."),
        "verdict.satisfied": ("Met", "Erfüllt"),
        "verdict.not-satisfied": ("Not met", "Nicht erfüllt"),
        "verdict.not-applicable": ("Does not apply", "Nicht anwendbar"),
        "verdict.not-evaluated": ("Not judged", "Nicht beurteilt"),
        "principle.integrity": ("Data integrity", "Unverfälschte Daten"),
        "principle.accountability": ("Accountability in the supply chain", "Verantwortung in der Lieferkette"),
        "principle.provenance": ("Provenance", "Herkunft"),
        "principle.lifecycle": ("Lifecycle", "Lebenszyklus"),
        "principle.hardware-software-security": ("Hardware and software security", "Hardware- und Softwaresicherheit"),
        "principle.privacy-data-governance": ("Privacy and data governance", "Datenschutz und Datenverwaltung"),
        "principle.interoperability": ("Interoperability", "Interoperabilität"),
        "explain.integrity.satisfied": ("Every entry is signed, in the public log, and nothing about this product was left out.", "Jeder Eintrag ist signiert, steht im öffentlichen Protokoll, und nichts zu diesem Produkt wurde weggelassen."),
        "explain.integrity.other": ("The records could not be shown to be complete and unaltered.", "Es ließ sich nicht zeigen, dass die Einträge vollständig und unverändert sind."),
        "explain.accountability.satisfied": ("Every statement comes from a registered company entitled to make it.", "Jede Angabe stammt von einem registrierten Unternehmen, das sie machen darf."),
        "explain.accountability.other": ("Some statements come from a party not entitled to make them.", "Einige Angaben stammen von Beteiligten, die sie nicht machen dürfen."),
        "explain.provenance.satisfied": ("Every part is traced to the supplier that made it.", "Jedes Teil lässt sich bis zu seinem Lieferanten zurückverfolgen."),
        "explain.provenance.other": ("Some parts cannot be traced to the supplier that made them.", "Einige Teile lassen sich nicht bis zu ihrem Lieferanten zurückverfolgen."),
        "explain.lifecycle.satisfied": ("The maker has committed to security updates, repair and take-back.", "Der Hersteller hat Sicherheitsupdates, Reparatur und Rücknahme zugesagt."),
        "explain.lifecycle.other": ("The commitments to updates, repair or take-back are missing or too short.", "Zusagen zu Updates, Reparatur oder Rücknahme fehlen oder sind zu kurz."),
        "explain.hardware-software-security.satisfied": ("The firmware and its software bill of materials are recorded with digests.", "Firmware und Software-Stückliste sind mit Prüfsummen verzeichnet."),
        "explain.hardware-software-security.other": ("The firmware or its software bill of materials is not recorded.", "Firmware oder Software-Stückliste sind nicht verzeichnet."),
        "explain.privacy-data-governance.satisfied": ("The maker has stated how the product's data is handled.", "Der Hersteller hat angegeben, wie mit den Daten des Produkts umgegangen wird."),
        "explain.privacy-data-governance.other": ("Nothing is on record about how the product's data is handled.", "Es ist nichts darüber verzeichnet, wie mit den Daten des Produkts umgegangen wird."),
        "explain.interoperability.satisfied": ("The records use open standards (GS1 EPCIS 2.0) others can read.", "Die Einträge nutzen offene Standards (GS1 EPCIS 2.0), die andere lesen können."),
        "explain.interoperability.other": ("Some records do not follow the open standards.", "Einige Einträge folgen nicht den offenen Standards."),
        "explain.notApplicable": ("Nothing in this product's records calls for it.", "Nichts in den Einträgen dieses Produkts verlangt es."),
        "explain.notEvaluated": ("Not judged, because the records could not be checked.", "Nicht beurteilt, weil die Einträge nicht geprüft werden konnten."),
        "principles.details": ("Details (in English)", "Details (auf Englisch)"),

        "evidence.heading": ("The evidence", "Die Nachweise"),
        "evidence.summary": ("For experts: every signed entry, the checkpoint and the witnesses", "Für Fachleute: alle signierten Einträge, der Checkpoint und die Zeugen"),
        "evidence.entries": ("Signed entries", "Signierte Einträge"),
        "evidence.seq": ("Seq", "Nr."),
        "evidence.kind": ("Kind", "Art"),
        "evidence.party": ("Signed by", "Signiert von"),
        "evidence.time": ("Time", "Zeit"),
        "evidence.log": ("Log {0}: {1} entries; this page rests on the checkpoint at size {2}.", "Protokoll {0}: {1} Einträge; diese Seite beruht auf dem Checkpoint bei Größe {2}."),
        "evidence.checkpoint": ("Checkpoint (signed note)", "Checkpoint (signierte Notiz)"),
        "evidence.witnesses": ("Witnesses that cosigned it: {0}", "Zeugen, die ihn mitsigniert haben: {0}"),
        "evidence.noWitnesses": ("No witness keys were pinned for this page.", "Für diese Seite wurden keine Zeugenschlüssel festgelegt."),
        "evidence.logKey": ("Pinned log key", "Festgelegter Protokollschlüssel"),
        "evidence.download": ("Download the bundle (JSON)", "Bündel herunterladen (JSON)"),
        "evidence.verifyOffline": ("Check it yourself: assay verify --bundle {0} --log-key <key> --origin {1} --product {2}", "Selbst prüfen: assay verify --bundle {0} --log-key <Schlüssel> --origin {1} --product {2}"),
        "footer": ("Made by Assay {0}. This page checks itself in your browser: no data leaves it.", "Erstellt von Assay {0}. Diese Seite prüft sich selbst in Ihrem Browser: keine Daten verlassen ihn."),

        "js.unchecked": ("Not verified in this browser: the page's check needs JavaScript.", "In diesem Browser nicht geprüft: die Prüfung der Seite braucht JavaScript."),
        "js.checking": ("Checking the signatures and proofs…", "Signaturen und Beweise werden geprüft…"),
        "js.verified": ("Verified by your browser: {0} signed entries, all in the log checkpoint of {1}, cosigned by {2}.", "Von Ihrem Browser geprüft: {0} signierte Einträge, alle im Protokoll-Checkpoint von {1}, mitsigniert von {2}."),
        "js.verifiedNoWitness": ("Verified by your browser: {0} signed entries, all in the log checkpoint of {1}.", "Von Ihrem Browser geprüft: {0} signierte Einträge, alle im Protokoll-Checkpoint von {1}."),
        "js.failed": ("Could not be verified: {0}", "Konnte nicht geprüft werden: {0}"),
        "js.unsupported": ("Could not be verified: this browser lacks Ed25519 in Web Crypto.", "Konnte nicht geprüft werden: diesem Browser fehlt Ed25519 in Web Crypto."),
        "js.factMismatch": ("the page shows {0} but the signed entry {1} says {2}", "die Seite zeigt {0}, aber der signierte Eintrag {1} sagt {2}"),
        "js.none": ("none", "keine"),
        "js.ended": ("ended", "beendet"),
        "js.left": ("{0} left", "noch {0}"),
        "js.year": ("{0} year", "{0} Jahr"),
        "js.years": ("{0} years", "{0} Jahre"),
        "js.month": ("{0} month", "{0} Monat"),
        "js.months": ("{0} months", "{0} Monate"),
        "js.day": ("{0} day", "{0} Tag"),
        "js.days": ("{0} days", "{0} Tage"),
    ]

    static let months: [PassportLanguage: [String]] = [
        .en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        .de: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    ]

    /// The string for `key` with `{0}`, `{1}` … replaced by `args` (plain text: the caller escapes).
    func callAsFunction(_ key: String, _ args: String...) -> String {
        Self.text(key, language, args)
    }

    static func text(_ key: String, _ language: PassportLanguage, _ args: [String]) -> String {
        guard let entry = catalogue[key] else { preconditionFailure("passport string \(key) is not in the catalogue") }
        var s = language == .de ? entry.de : entry.en
        for (i, a) in args.enumerated() { s = s.replacingOccurrences(of: "{\(i)}", with: a) }
        return s
    }

    /// `YYYY-MM-DD` as people write it: `12 March 2031`, `12. März 2031`; other text unchanged.
    func date(_ ymd: String) -> String {
        let parts = ymd.prefix(10).split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return ymd }
        let month = Self.months[language]![m - 1]
        return language == .de ? "\(d). \(month) \(y)" : "\(d) \(month) \(y)"
    }

    /// The time from `from` to `to` (both `YYYY-MM-DD`) as years and months, or days when less than a month.
    func remaining(from: String, to: String) -> String {
        guard let a = Self.ymd(from), let b = Self.ymd(to) else { return "" }
        var months = (b.y - a.y) * 12 + (b.m - a.m)
        if b.d < a.d { months -= 1 }
        func count(_ n: Int, _ unit: String) -> String { self(n == 1 ? "js." + unit : "js." + unit + "s", String(n)) }
        if months < 1 { return count(max(Self.days(b) - Self.days(a), 0), "day") }
        let y = months / 12, m = months % 12
        return [y > 0 ? count(y, "year") : nil, m > 0 ? count(m, "month") : nil].compactMap { $0 }.joined(separator: " ")
    }

    static func ymd(_ s: String) -> (y: Int, m: Int, d: Int)? {
        let p = s.prefix(10).split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]) else { return nil }
        return (y, m, d)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(_ d: (y: Int, m: Int, d: Int)) -> Int {
        let y = d.m <= 2 ? d.y - 1 : d.y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (d.m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d.d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The `js.` strings of every language, as the page's script reads them.
    static func scriptCatalogue() -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for lang in PassportLanguage.allCases {
            var t: [String: String] = [:]
            for (k, v) in catalogue where k.hasPrefix("js.") { t[String(k.dropFirst(3))] = lang == .de ? v.de : v.en }
            out[lang.rawValue] = t
        }
        return out
    }
}
