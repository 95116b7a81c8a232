#if RocksDB
    import CRocksDB
    import StrataStore

    /// The one place that turns RocksDB's `char** errptr` into a `StoreError`.
    ///
    /// RocksDB reports failures as a `Status::ToString()` text allocated with
    /// `malloc` ("Corruption: …", "IO error: No space left on device …",
    /// "Resource busy: …"). The code is chosen from that text and the C string is
    /// released with `rocksdb_free`.
    enum RocksDBError {
        /// Consumes `err` (frees it) and returns the matching `StoreError`.
        static func take(_ err: UnsafeMutablePointer<CChar>, _ context: @autoclosure () -> String) -> StoreError {
            let text = String(cString: err)
            rocksdb_free(err)
            return StoreError(code(for: text), "\(context()): \(text)")
        }

        /// The portable code for a RocksDB status text.
        static func code(for text: String) -> StoreError.Code {
            if text.hasPrefix("Corruption") { return .corrupt }
            if text.contains("No space") { return .full }
            if text.hasPrefix("IO error") { return .io }
            // Status::Busy ("Resource busy") is what an optimistic commit returns
            // when a tracked key changed after the snapshot; Status::TryAgain
            // ("Operation failed. Try again.") when the memtable history was too
            // short to check. Both mean: run the transaction again.
            if text.hasPrefix("Resource busy") || text.contains("Busy") { return .conflict }
            if text.contains("Try again") || text.contains("TryAgain") { return .conflict }
            if text.hasPrefix("Invalid argument") { return .invalidArgument }
            return .io
        }
    }

    /// A valid address for zero-length keys: RocksDB builds a `Slice` from the
    /// pointer even when the length is 0, and an empty Swift buffer has none.
    nonisolated(unsafe) private let emptyBytes: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    extension UnsafeRawBufferPointer {
        /// The bytes as a `const char*` for the C API, never nil.
        @inline(__always)
        var cchars: UnsafePointer<CChar> {
            if let base = baseAddress { return base.assumingMemoryBound(to: CChar.self) }
            return UnsafePointer(emptyBytes)
        }
    }

    extension Array where Element == UInt8 {
        /// Calls `body` with the bytes as a never-nil `const char*` and their count.
        @inline(__always)
        func withCChars<R>(_ body: (UnsafePointer<CChar>, Int) throws -> R) rethrows -> R {
            try withUnsafeBytes { try body($0.cchars, $0.count) }
        }
    }
#endif
