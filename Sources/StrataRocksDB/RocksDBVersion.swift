#if RocksDB
    import CRocksDB

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// The version of the linked RocksDB library, read from the library itself.
    ///
    /// RocksDB 7.8's C API has no version function, and the C++ one
    /// (`rocksdb::GetRocksVersionAsString`) returns a `std::string`, which cannot
    /// be called safely through `dlsym`. Every database RocksDB opens, though,
    /// gets an `OPTIONS-<n>` file whose `[Version]` section the library writes
    /// from its own build constants (`rocksdb_version=7.8.3`). So the first time
    /// the version is asked for, a throwaway database is created in a temporary
    /// directory, that line is read, and the directory is removed (a few
    /// milliseconds, once per process). Header macros would give the version the
    /// code was compiled against, not the one that is loaded, so they are not used.
    enum RocksDBVersion {
        /// `major.minor.patch` of the loaded library, or `unknown (…)` when the probe failed.
        static let library: String = probe()

        static func probe() -> String {
            let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
            var template = Array("\(base)/strata-rocksdb-version-XXXXXX".utf8CString)
            guard let dirPointer = mkdtemp(&template) else { return "unknown (mkdtemp failed)" }
            let dir = String(cString: dirPointer)
            defer { removeFlatDirectory(dir) }

            let opts = rocksdb_options_create()
            defer { rocksdb_options_destroy(opts) }
            rocksdb_options_set_create_if_missing(opts, 1)
            var err: UnsafeMutablePointer<CChar>? = nil
            let db = rocksdb_open(opts, dir + "/db", &err)
            if let err {
                let error = RocksDBError.take(err, "opening a probe database")
                return "unknown (\(error.message))"
            }
            rocksdb_close(db)
            for name in fileNames(in: dir + "/db") where name.hasPrefix("OPTIONS-") {
                if let text = readFile(dir + "/db/" + name) {
                    for line in text.split(separator: "\n") {
                        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                        if trimmed.hasPrefix("rocksdb_version=") {
                            return String(trimmed.dropFirst("rocksdb_version=".count))
                        }
                    }
                }
            }
            return "unknown (no rocksdb_version in OPTIONS file)"
        }

        private static func fileNames(in dir: String) -> [String] {
            guard let d = opendir(dir) else { return [] }
            defer { closedir(d) }
            var names: [String] = []
            while let entry = readdir(d) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return names
        }

        private static func readFile(_ path: String) -> String? {
            guard let f = fopen(path, "r") else { return nil }
            defer { fclose(f) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = fread(&buffer, 1, buffer.count, f)
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// Removes `dir/db`'s files, `dir/db` and `dir` (RocksDB makes no subdirectories).
        private static func removeFlatDirectory(_ dir: String) {
            let db = dir + "/db"
            for name in fileNames(in: db) { unlink(db + "/" + name) }
            rmdir(db)
            for name in fileNames(in: dir) { unlink(dir + "/" + name) }
            rmdir(dir)
        }
    }
#endif
