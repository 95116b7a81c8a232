#if RocksDB
    import CRocksDB
    import StrataStore
    import Synchronization

    /// Maps `ColumnFamily.id` to the RocksDB column family handle without a lock
    /// on the per-operation path.
    ///
    /// ```
    ///  chunks (fixed, 1024 pointers)      chunk (256 slots)
    ///  ┌──────┬──────┬─────┐              ┌─────────────────────┬─────┐
    ///  │  c0  │  c1  │ nil │ …   c0 ────► │ handle, ColumnFamily│ …   │
    ///  └──────┴──────┴─────┘              └─────────────────────┴─────┘
    ///  id = chunk index << 8 | slot index
    /// ```
    ///
    /// Slots are written exactly once, by ``insert(_:_:)`` under the store's
    /// mutex, before `count` is published with release ordering; a slot is never
    /// changed or freed until ``destroyAll()`` at close, which runs when no
    /// transaction is active. Readers load `count` (acquire) and then read the
    /// slot without a lock.
    final class HandleTable: @unchecked Sendable {
        struct Slot {
            var handle: OpaquePointer?
            var family: Unmanaged<ColumnFamily>?
        }

        static let chunkShift = 8
        static let chunkSize = 1 << chunkShift
        static let maxChunks = 1024
        static var capacity: Int { chunkSize * maxChunks }

        private let chunks: UnsafeMutablePointer<UnsafeMutablePointer<Slot>?>
        /// Number of published slots; ids below it are readable without a lock.
        private let count = Atomic<Int>(0)

        init() {
            chunks = .allocate(capacity: Self.maxChunks)
            chunks.initialize(repeating: nil, count: Self.maxChunks)
        }

        deinit {
            for i in 0..<Self.maxChunks {
                if let c = chunks[i] {
                    c.deinitialize(count: Self.chunkSize)
                    c.deallocate()
                }
            }
            chunks.deinitialize(count: Self.maxChunks)
            chunks.deallocate()
        }

        /// The id the next insert will use. Call with the store's mutex held.
        var nextID: Int { count.load(ordering: .relaxed) }

        /// Publishes `handle` for `family` (whose id is ``nextID``). Call with the
        /// store's mutex held. Throws `full` when the table has no room left.
        func insert(_ handle: OpaquePointer, _ family: ColumnFamily) throws {
            let id = count.load(ordering: .relaxed)
            precondition(Int(family.id) == id, "column family id out of order")
            guard id < Self.capacity else {
                throw StoreError(.full, "more than \(Self.capacity) column families opened or created in one session")
            }
            let ci = id >> Self.chunkShift
            if chunks[ci] == nil {
                let c = UnsafeMutablePointer<Slot>.allocate(capacity: Self.chunkSize)
                c.initialize(repeating: Slot(), count: Self.chunkSize)
                chunks[ci] = c
            }
            chunks[ci]![id & (Self.chunkSize - 1)] = Slot(handle: handle, family: .passUnretained(family))
            count.store(id + 1, ordering: .releasing)
        }

        /// The handle for `cf`. Throws `notFound` when it was dropped and
        /// `invalidArgument` when it belongs to another store.
        @inline(__always)
        func handle(for cf: ColumnFamily) throws -> OpaquePointer {
            try cf.checkLive()
            let id = Int(truncatingIfNeeded: cf.id)
            if id >= 0, id < count.load(ordering: .acquiring) {
                let slot = chunks[id >> Self.chunkShift].unsafelyUnwrapped[id & (Self.chunkSize - 1)]
                if let family = slot.family, family.toOpaque() == Unmanaged.passUnretained(cf).toOpaque(),
                    let h = slot.handle
                {
                    return h
                }
            }
            throw StoreError(.invalidArgument, "\(cf) does not belong to this RocksDB store")
        }

        /// Destroys every handle. Call once, at close, with no transaction active.
        func destroyAll() {
            let n = count.load(ordering: .acquiring)
            for id in 0..<n {
                let p = chunks[id >> Self.chunkShift]!
                let i = id & (Self.chunkSize - 1)
                if let h = p[i].handle { rocksdb_column_family_handle_destroy(h) }
                p[i] = Slot()
            }
        }
    }
#endif
