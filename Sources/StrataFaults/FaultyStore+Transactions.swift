import StrataStore

extension FaultyStore {
    /// A read transaction over the base store's snapshot, with read faults.
    public final class ReadTxn: ReadTransaction {
        let store: FaultyStore
        let base: Base.ReadTxn
        var finished = false

        init(store: FaultyStore, base: Base.ReadTxn) {
            self.store = store
            self.base = base
        }

        func check() throws {
            if finished { throw StoreError(.transactionFinished, "read transaction used after its closure returned") }
            try store.countOperation()
        }

        public func withValue<R>(forKey key: UnsafeRawBufferPointer, in cf: ColumnFamily, _ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
            try check()
            return try base.withValue(forKey: key, in: cf) { try store.deliver(key: key, value: $0, cf: cf, body) }
        }

        public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> FaultyCursor<Base.ReadTxn.Cursor> {
            try check()
            return FaultyCursor(store: store, cf: cf, base: try base.makeCursor(in: cf, range: range, reverse: reverse))
        }

        /// Forwarded to the base store's own multi-get unless a read fault must see each value.
        public func multiGet(_ keys: [[UInt8]], in cf: ColumnFamily) throws -> [[UInt8]?] {
            if store.plan.altersReads {
                return try keys.map { k in try withValue(forKey: k, in: cf) { $0.map { Array($0) } } }
            }
            try check()
            return try base.multiGet(keys, in: cf)
        }
    }

    /// A write transaction: the base store's own (direct), or a private snapshot
    /// plus a buffer of writes (for the faults that change how commits apply).
    public final class WriteTxn: WriteTransaction {
        enum Mode {
            case direct(Base.WriteTxn)
            case buffered(Base.ReadTxn, Overlay)
        }

        let store: FaultyStore
        var mode: Mode
        var finished = false

        init(store: FaultyStore, mode: Mode) {
            self.store = store
            self.mode = mode
        }

        var bufferedOps: [BufferedOp] {
            if case .buffered(_, let overlay) = mode { return overlay.ops }
            return []
        }

        func check() throws {
            if finished { throw StoreError(.transactionFinished, "write transaction used after its closure returned") }
            try store.countOperation()
        }

        public func withValue<R>(forKey key: UnsafeRawBufferPointer, in cf: ColumnFamily, _ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
            try check()
            switch mode {
            case .direct(let txn):
                return try txn.withValue(forKey: key, in: cf) { try store.deliver(key: key, value: $0, cf: cf, body) }
            case .buffered(let snapshot, let overlay):
                switch overlay.lookup(Array(key), cf: cf) {
                case .value(let v): return try v.withUnsafeBytes { try store.deliver(key: key, value: $0, cf: cf, body) }
                case .deleted: return try body(nil)
                case .unknown:
                    return try snapshot.withValue(forKey: key, in: cf) { try store.deliver(key: key, value: $0, cf: cf, body) }
                }
            }
        }

        public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> WriteCursor {
            try check()
            switch mode {
            case .direct(let txn):
                return .direct(FaultyCursor(store: store, cf: cf, base: try txn.makeCursor(in: cf, range: range, reverse: reverse)))
            case .buffered(let snapshot, let overlay):
                var merged: [[UInt8]: [UInt8]] = [:]
                try snapshot.forEach(in: cf, range: range) { k, v in
                    merged[Array(k)] = Array(v)
                    return true
                }
                overlay.apply(to: &merged, cf: cf, range: range)
                let keys = merged.keys.sorted(by: lexicographicallyPrecedes)
                let ordered = reverse ? Array(keys.reversed()) : keys
                return .materialized(MaterializedCursor(owner: self, entries: ordered.map { ($0, merged[$0]!) }))
            }
        }

        public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            try check()
            try cf.checkLive()
            if store.plan.has(.staleReads), let old = try previousValue(key, cf) {
                store.remember(old: old, key: Array(key), cf: cf)
            }
            if store.roll(.dropWrites) { return }
            switch mode {
            case .direct(let txn): try txn.put(key, value, in: cf)
            case .buffered(_, let overlay): overlay.ops.append(.put(cf, Array(key), Array(value)))
            }
        }

        public func delete(_ key: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            try check()
            try cf.checkLive()
            if store.roll(.dropWrites) { return }
            switch mode {
            case .direct(let txn): try txn.delete(key, in: cf)
            case .buffered(_, let overlay): overlay.ops.append(.delete(cf, Array(key)))
            }
        }

        public func deleteRange(_ range: KeyRange, in cf: ColumnFamily) throws {
            try check()
            try cf.checkLive()
            if store.roll(.dropWrites) { return }
            switch mode {
            case .direct(let txn): try txn.deleteRange(range, in: cf)
            case .buffered(_, let overlay): overlay.ops.append(.deleteRange(cf, range))
            }
        }

        /// Forwarded to the base store's own batch path in direct mode, so pass-through
        /// keeps the backend's semantics; entry by entry when a fault must see each write.
        public func putBatch(_ entries: [(key: [UInt8], value: [UInt8])], in cf: ColumnFamily) throws {
            guard case .direct(let txn) = mode, !store.plan.has(.dropWrites), !store.plan.has(.staleReads) else {
                for entry in entries { try put(entry.key, entry.value, in: cf) }
                return
            }
            try check()
            try txn.putBatch(entries, in: cf)
        }

        private func previousValue(_ key: UnsafeRawBufferPointer, _ cf: ColumnFamily) throws -> [UInt8]? {
            switch mode {
            case .direct(let txn): return try txn.withValue(forKey: key, in: cf) { $0.map { Array($0) } }
            case .buffered(let snapshot, let overlay):
                switch overlay.lookup(Array(key), cf: cf) {
                case .value(let v): return v
                case .deleted: return nil
                case .unknown: return try snapshot.withValue(forKey: key, in: cf) { $0.map { Array($0) } }
                }
            }
        }
    }

    /// A write transaction's cursor.
    public enum WriteCursor: StoreCursor {
        case direct(FaultyCursor<Base.WriteTxn.Cursor>)
        case materialized(MaterializedCursor<WriteTxn>)

        public mutating func next() throws -> Bool {
            switch self {
            case .direct(var c):
                defer { self = .direct(c) }
                return try c.next()
            case .materialized(var c):
                defer { self = .materialized(c) }
                return try c.next()
            }
        }

        public func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            switch self {
            case .direct(let c): return try c.withEntry(body)
            case .materialized(let c): return try c.withEntry(body)
            }
        }
    }
}

/// A base cursor whose values pass through the read faults.
public struct FaultyCursor<C: StoreCursor>: StoreCursor {
    let alter: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> [UInt8]?
    var base: C

    init<S: Store>(store: FaultyStore<S>, cf: ColumnFamily, base: C) {
        self.base = base
        self.alter = { [store] k, v in store.alter(key: k, value: v, cf: cf) }
    }

    public mutating func next() throws -> Bool { try base.next() }

    public func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try base.withEntry { k, v in
            if let replaced = alter(k, v) { return try replaced.withUnsafeBytes { try body(k, $0) } }
            return try body(k, v)
        }
    }
}

/// A cursor over entries merged from a snapshot and a write buffer.
public struct MaterializedCursor<Owner: AnyObject>: StoreCursor {
    let owner: Owner
    let isFinished: (Owner) -> Bool
    let entries: [([UInt8], [UInt8])]
    var index = -1

    init<S: Store>(owner: FaultyStore<S>.WriteTxn, entries: [([UInt8], [UInt8])]) where Owner == FaultyStore<S>.WriteTxn {
        self.owner = owner
        self.isFinished = { $0.finished }
        self.entries = entries
    }

    public mutating func next() throws -> Bool {
        if isFinished(owner) { throw StoreError(.transactionFinished, "cursor used after its transaction ended") }
        if index < entries.count { index += 1 }
        return index < entries.count
    }

    public func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < entries.count, "withEntry without a current entry")
        return try entries[index].0.withUnsafeBytes { k in try entries[index].1.withUnsafeBytes { v in try body(k, v) } }
    }
}

/// One buffered write.
enum BufferedOp {
    case put(ColumnFamily, [UInt8], [UInt8])
    case delete(ColumnFamily, [UInt8])
    case deleteRange(ColumnFamily, KeyRange)

    func apply(to txn: some WriteTransaction) throws {
        switch self {
        case .put(let cf, let k, let v): try txn.put(k, v, in: cf)
        case .delete(let cf, let k): try txn.delete(k, in: cf)
        case .deleteRange(let cf, let r): try txn.deleteRange(r, in: cf)
        }
    }
}

/// The writes of a buffered transaction, newest last.
final class Overlay {
    enum Lookup {
        case value([UInt8])
        case deleted
        case unknown
    }

    var ops: [BufferedOp] = []

    func lookup(_ key: [UInt8], cf: ColumnFamily) -> Lookup {
        for op in ops.reversed() {
            switch op {
            case .put(let c, let k, let v) where c === cf && k == key: return .value(v)
            case .delete(let c, let k) where c === cf && k == key: return .deleted
            case .deleteRange(let c, let r) where c === cf && r.contains(key): return .deleted
            default: continue
            }
        }
        return .unknown
    }

    func apply(to entries: inout [[UInt8]: [UInt8]], cf: ColumnFamily, range: KeyRange) {
        for op in ops {
            switch op {
            case .put(let c, let k, let v) where c === cf && range.contains(k): entries[k] = v
            case .delete(let c, let k) where c === cf: entries[k] = nil
            case .deleteRange(let c, let r) where c === cf: entries = entries.filter { !r.contains($0.key) }
            default: continue
            }
        }
    }
}
