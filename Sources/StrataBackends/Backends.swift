import StrataStore
import StrataTrie

#if RocksDB
import StrataRocksDB
#endif
#if LMDB
import StrataLMDB
#endif

extension StoreRegistry {
    /// Every backend this build of Strata has. Adding a backend means adding its
    /// target and one line here; nothing above the seam changes.
    public static let standard = StoreRegistry(standardDescriptors)

    private static var standardDescriptors: [BackendDescriptor] {
        var all: [BackendDescriptor] = []
        #if RocksDB
        all.append(RocksDBStore.descriptor)
        #endif
        #if LMDB
        all.append(LMDBStore.descriptor)
        #endif
        all.append(TrieStore.descriptor)
        return all
    }
}

/// Work to run on a store of a type known at compile time; see
/// ``StoreRegistry/visit(_:with:)``.
public protocol StoreVisitor {
    associatedtype Output
    func visit<S: Store>(_ store: S) throws -> Output
}

extension StoreRegistry {
    /// Calls `visitor` with `store` as its concrete backend type.
    ///
    /// A store opened by name is an `any Store`; code handed it (even through a
    /// generic `some Store` parameter) runs unspecialized, every transaction
    /// call and cursor step going through witness tables. Here each backend of
    /// this build is tried by type, so the caller's `visit` is compiled once
    /// per backend, as code written against that backend would be. Another
    /// store type gets the generic path.
    @inlinable
    public static func visit<V: StoreVisitor>(_ store: any Store, with visitor: V) throws -> V.Output {
        #if RocksDB
        if let store = store as? RocksDBStore { return try visitor.visit(store) }
        #endif
        #if LMDB
        if let store = store as? LMDBStore { return try visitor.visit(store) }
        #endif
        if let store = store as? TrieStore { return try visitor.visit(store) }
        return try visitor.visit(store)
    }
}
