import Foundation
import StrataStore
import Synchronization

/// The Store contract in its plainest form: sorted dictionaries behind a lock.
///
/// It is the reference that the conformance suite is checked against (a suite
/// that fails on this store is wrong) and a base for tests of decorators such
/// as the fault injector. Snapshots are copies of Swift dictionaries (O(1)
/// until written); scans sort the keys they need. Not for production use: it
/// is in memory only and every scan sorts.
public final class ReferenceStore: Store {
    public typealias Tables = [UInt64: [[UInt8]: [UInt8]]]

    struct State {
        var families: [String: ColumnFamily] = [:]
        var tables: Tables = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    public let backendName = "reference"
    public let capabilities: StoreCapabilities = [.inMemory, .zeroCopyReads]
    public let options: StoreOptions
    private let state: Mutex<State>
    /// Held for the whole of a write closure: one writer at a time.
    private let writer = NSLock()

    public init(options: StoreOptions = StoreOptions()) {
        self.options = options
        var initial = State()
        let def = ColumnFamily(name: ColumnFamily.defaultName, id: 0)
        initial.families[def.name] = def
        initial.tables[0] = [:]
        initial.nextID = 1
        state = Mutex(initial)
    }

    private func live<R>(_ body: (inout State) throws -> R) throws -> R {
        try state.withLock { s in
            if s.closed { throw StoreError(.closed, "the reference store is closed") }
            return try body(&s)
        }
    }

    public func columnFamily(_ name: String) throws -> ColumnFamily {
        try live { s in
            guard let cf = s.families[name] else { throw StoreError(.notFound, "no column family '\(name)'") }
            return cf
        }
    }

    public func createColumnFamily(_ name: String) throws -> ColumnFamily {
        try ColumnFamily.validate(name: name)
        writer.lock()
        defer { writer.unlock() }
        return try live { s in
            if let cf = s.families[name] { return cf }
            let cf = ColumnFamily(name: name, id: s.nextID)
            s.nextID += 1
            s.families[name] = cf
            s.tables[cf.id] = [:]
            return cf
        }
    }

    public func dropColumnFamily(_ name: String) throws {
        if name == ColumnFamily.defaultName { throw StoreError(.invalidArgument, "the default column family cannot be dropped") }
        writer.lock()
        defer { writer.unlock() }
        try live { s in
            guard let cf = s.families.removeValue(forKey: name) else { throw StoreError(.notFound, "no column family '\(name)'") }
            s.tables[cf.id] = nil
            cf.markDropped()
        }
    }

    public func columnFamilyNames() throws -> [String] {
        try live { s in s.families.keys.sorted() }
    }

    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        let txn = Transaction(tables: try live { $0.tables }, writable: false)
        defer { txn.finished = true }
        return try body(txn)
    }

    public func writeOnce<R>(_ body: (Transaction) throws -> R) throws -> R {
        writer.lock()
        defer { writer.unlock() }
        let txn = Transaction(tables: try live { $0.tables }, writable: true)
        defer { txn.finished = true }
        let result = try body(txn)
        try live { s in
            // Column families dropped meanwhile stay dropped.
            for (id, table) in txn.tables where s.tables[id] != nil { s.tables[id] = table }
        }
        return result
    }

    public func close() throws {
        state.withLock { $0.closed = true }
    }

    /// A snapshot (for reads) or a private copy being edited (for writes).
    public final class Transaction: WriteTransaction {
        var tables: Tables
        let writable: Bool
        var finished = false

        init(tables: Tables, writable: Bool) {
            self.tables = tables
            self.writable = writable
        }

        private func table(_ cf: ColumnFamily) throws -> [[UInt8]: [UInt8]] {
            if finished { throw StoreError(.transactionFinished, "transaction used after its closure returned") }
            try cf.checkLive()
            guard let t = tables[cf.id] else { throw StoreError(.notFound, "column family '\(cf.name)' is not in this snapshot") }
            return t
        }

        private func edit(_ cf: ColumnFamily, _ body: (inout [[UInt8]: [UInt8]]) -> Void) throws {
            guard writable else { throw StoreError(.readOnly, "write in a read transaction") }
            _ = try table(cf)
            body(&tables[cf.id]!)
        }

        public func withValue<R>(forKey key: UnsafeRawBufferPointer, in cf: ColumnFamily, _ body: (UnsafeRawBufferPointer?) throws -> R) throws -> R {
            guard let value = try table(cf)[Array(key)] else { return try body(nil) }
            return try value.withUnsafeBytes { try body($0) }
        }

        public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> Cursor {
            let t = try table(cf)
            let keys = t.keys.filter { range.contains($0) }.sorted(by: lexicographicallyPrecedes)
            let entries = (reverse ? Array(keys.reversed()) : keys).map { ($0, t[$0]!) }
            return Cursor(owner: self, entries: entries)
        }

        public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            try edit(cf) { $0[Array(key)] = Array(value) }
        }

        public func delete(_ key: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            try edit(cf) { $0[Array(key)] = nil }
        }

        public func deleteRange(_ range: KeyRange, in cf: ColumnFamily) throws {
            try edit(cf) { t in t = t.filter { !range.contains($0.key) } }
        }
    }

    /// A cursor over entries sorted when it was made.
    public struct Cursor: StoreCursor {
        let owner: Transaction
        let entries: [([UInt8], [UInt8])]
        var index = -1

        public mutating func next() throws -> Bool {
            if owner.finished { throw StoreError(.transactionFinished, "cursor used after its transaction ended") }
            if index < entries.count { index += 1 }
            return index < entries.count
        }

        public func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            precondition(index >= 0 && index < entries.count, "withEntry without a current entry")
            return try entries[index].0.withUnsafeBytes { k in try entries[index].1.withUnsafeBytes { v in try body(k, v) } }
        }
    }
}
