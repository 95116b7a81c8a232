import ArgumentParser
import StrataBackends
import StrataStore

/// Options every command that opens a store shares.
struct StoreLocation: ParsableArguments {
    @Option(help: "The backend: one of `strata backends`.")
    var backend: String

    @Option(help: "The directory holding the store's files.")
    var path: String

    @Flag(help: "Make every commit durable before it returns.")
    var sync = false

    /// Opens the store, creating it where there is none unless `creating` is
    /// false: commands that only read pass false, so a mistyped path is an error
    /// rather than a new empty store.
    func open(creating: Bool = true) throws -> any Store {
        try StoreRegistry.standard.open(backend, options: StoreOptions(path: path, sync: sync, createIfMissing: creating))
    }
}

struct KV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Read and write raw keys and values in a store.",
        subcommands: [Put.self, Get.self, Delete.self, Scan.self]
    )

    @OptionGroup var common: Common

    struct Common: ParsableArguments {
        @OptionGroup var location: StoreLocation
        @Option(help: "The column family.")
        var cf = ColumnFamily.defaultName
        @Flag(help: "Keys and values are hex on input and output.")
        var hex = false
    }

    struct Put: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store VALUE under KEY.")
        @ParentCommand var kv: KV
        var common: Common { kv.common }
        @Argument(help: "The key.") var key: String
        @Argument(help: "The value.") var value: String

        func run() throws {
            let k = try parseBytes(key, hex: common.hex, what: "key")
            let v = try parseBytes(value, hex: common.hex, what: "value")
            try withStore(common) { try put(k, v, cf: common.cf, in: $0) }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the value under KEY; exit 1 when there is none.")
        @ParentCommand var kv: KV
        var common: Common { kv.common }
        @Argument(help: "The key.") var key: String

        func run() throws {
            let k = try parseBytes(key, hex: common.hex, what: "key")
            let value = try withStore(common, creating: false) { try get(k, cf: common.cf, in: $0) }
            guard let value else { throw CommandFailure(message: "no value under key '\(key)' in '\(common.cf)'") }
            print(render(value, hex: common.hex))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove KEY.")
        @ParentCommand var kv: KV
        var common: Common { kv.common }
        @Argument(help: "The key.") var key: String

        func run() throws {
            let k = try parseBytes(key, hex: common.hex, what: "key")
            try withStore(common, creating: false) { try delete(k, cf: common.cf, in: $0) }
        }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print keys and values in key order, tab-separated.")
        @ParentCommand var kv: KV
        var common: Common { kv.common }
        @Option(help: "Only keys that start with this.") var prefix: String?
        @Option(help: "At most this many entries.") var limit: Int?
        @Flag(help: "Descending key order.") var reverse = false

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be zero or more, got \(limit)") }
        }

        func run() throws {
            let range = try prefix.map { KeyRange.prefix(try parseBytes($0, hex: common.hex, what: "prefix")) } ?? .all
            try withStore(common, creating: false) { store in
                try scan(store, cf: common.cf, range: range, reverse: reverse, limit: limit ?? .max) { k, v in
                    print(render(k, hex: common.hex) + "\t" + render(v, hex: common.hex))
                }
            }
        }
    }
}

/// Opens the store, runs `body`, and closes the store even when `body` throws;
/// a failed close (a final flush that did not reach the disk) is an error too.
func withStore<R>(_ common: KV.Common, creating: Bool = true, _ body: (any Store) throws -> R) throws -> R {
    let store = try common.location.open(creating: creating)
    let result: R
    do {
        result = try body(store)
    } catch {
        try? store.close()
        throw error
    }
    try store.close()
    return result
}

private func put(_ key: [UInt8], _ value: [UInt8], cf name: String, in store: some Store) throws {
    let cf = try store.createColumnFamily(name)
    try store.write { try $0.put(key, value, in: cf) }
}

private func get(_ key: [UInt8], cf name: String, in store: some Store) throws -> [UInt8]? {
    let cf = try store.columnFamily(name)
    return try store.read { try $0.get(key, in: cf) }
}

private func delete(_ key: [UInt8], cf name: String, in store: some Store) throws {
    let cf = try store.columnFamily(name)
    try store.write { try $0.delete(key, in: cf) }
}

private func scan(
    _ store: some Store,
    cf name: String,
    range: KeyRange,
    reverse: Bool,
    limit: Int,
    _ emit: ([UInt8], [UInt8]) -> Void
) throws {
    let cf = try store.columnFamily(name)
    guard limit > 0 else { return }
    try store.read { txn in
        var remaining = limit
        try txn.forEach(in: cf, range: range, reverse: reverse) { k, v in
            emit(Array(k), Array(v))
            remaining -= 1
            return remaining > 0
        }
    }
}
