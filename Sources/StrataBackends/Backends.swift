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
