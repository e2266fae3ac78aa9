/// A forward cursor over one level of stored tree nodes, in index order.
public protocol NodeCursor: AnyObject {
    /// The level this cursor reads.
    var level: UInt8 { get }
    /// The next stored node at this level: its index and hash as stored, or nil at the end.
    func next() throws(StoreError) -> (index: UInt64, hash: [UInt8])?
}
