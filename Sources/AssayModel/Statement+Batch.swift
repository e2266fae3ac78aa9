/// Which batch (lot) a serialised item belongs to, as the entries that make the item say it.
extension Statement {
    /// The batch `…/01/{GTIN}/10/{lot}` (canonical Digital Link) this statement places `item` in:
    /// when the statement **produces** `item` (a commissioning, a manufacturing step's output;
    /// `produced`) and its ILMD names the lot (`cbvmda:lotNumber`, CBV 2.0 master data, which
    /// applies to every object the event brings into being). Nil otherwise, and when `item` is
    /// not a GS1 serialised trade item or the lot is not a valid AI 10 value.
    public func declaredBatch(of item: String) -> String? {
        guard case .supplyChain(let s) = self, let lot = s.event.assay.lotNumber,
              let id = try? GS1Identifier(parsing: item), case .item(let gtin, _) = id.key,
              produced.contains(id.canonical),
              let batch = try? GS1Identifier(.batch(gtin, lot: lot)) else { return nil }
        return batch.canonical
    }
}
