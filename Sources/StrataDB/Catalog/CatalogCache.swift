import StrataDocument
import StrataStore
import Synchronization

/// The decoded catalog entries a database has read, keyed by collection
/// name together with the exact bytes they were decoded from.
///
/// A transaction still reads its own snapshot's entry; the cache only
/// spares decoding it and resolving its column family when the bytes are
/// the ones seen before. A column family dropped since (a collection
/// dropped and created again under the same name) is resolved afresh.
final class CatalogCache: Sendable {
    struct Entry {
        let bytes: [UInt8]
        let handle: CollectionHandle
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The handle decoded from exactly `bytes`, if cached and its column family is live.
    func handle(_ name: String, matching bytes: UnsafeRawBufferPointer) -> CollectionHandle? {
        entries.withLock { entries in
            guard let entry = entries[name], !entry.handle.cf.isDropped,
                entry.bytes.withUnsafeBytes({ compareBytes($0, bytes) == 0 })
            else { return nil }
            return entry.handle
        }
    }

    func store(_ name: String, bytes: [UInt8], handle: CollectionHandle) {
        entries.withLock { entries in
            // A bound on stale names: databases have few collections.
            if entries.count >= 1024 { entries.removeAll() }
            entries[name] = Entry(bytes: bytes, handle: handle)
        }
    }
}
