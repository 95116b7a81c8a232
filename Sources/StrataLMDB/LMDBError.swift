#if LMDB
    import CLMDB
    import StrataStore

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// The one mapping from an LMDB return code to a `StoreError`.
    ///
    /// `rc` is a non-zero code from an `mdb_*` call (`MDB_NOTFOUND` is handled by the
    /// callers where it means "absent"; reaching here it is reported as `notFound`).
    /// The message carries `mdb_strerror`'s text, which covers both LMDB's own codes
    /// and `errno` values.
    func storeError(lmdb rc: Int32, _ operation: String) -> StoreError {
        let text = mdb_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
        let code: StoreError.Code
        switch rc {
        case MDB_MAP_FULL, MDB_TXN_FULL, MDB_DBS_FULL, MDB_READERS_FULL, ENOSPC:
            code = .full
        case MDB_NOTFOUND:
            code = .notFound
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH:
            code = .corrupt
        case MDB_BAD_VALSIZE, EINVAL:
            code = .invalidArgument
        case EACCES, EIO:
            code = .io
        default:
            code = .io
        }
        return StoreError(code, "lmdb \(operation): \(text) (\(rc))")
    }
#endif
