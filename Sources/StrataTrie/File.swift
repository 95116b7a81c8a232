// Thin, throwing wrappers over the POSIX file calls the trie's durability
// needs. Every failure goes through `systemError`, the one errno mapping.
import Glibc
import StrataStore

/// The `StoreError` for a failed system call: `full` for `ENOSPC`, `notFound`
/// never (a missing file is an I/O failure here), `io` for everything else.
/// The message names the operation, the path and `strerror`.
func systemError(_ operation: String, path: String, errno code: Int32 = errno) -> StoreError {
    let reason = String(cString: strerror(code))
    let kind: StoreError.Code = (code == ENOSPC || code == EDQUOT) ? .full : .io
    return StoreError(kind, "trie: \(operation) '\(path)' failed: \(reason) (errno \(code))")
}

/// An open file descriptor with a single owner that closes it in `deinit`.
final class File {
    let path: String
    private(set) var descriptor: Int32

    /// Opens `path` with `flags` (creating it with mode 0644 when `O_CREAT` is set).
    init(path: String, flags: Int32) throws {
        self.path = path
        let fd = Glibc.open(path, flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw systemError("open", path: path) }
        descriptor = fd
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Closes the descriptor now.
    func close() throws {
        guard descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        if Glibc.close(fd) != 0 { throw systemError("close", path: path) }
    }

    /// The file's size in bytes.
    func size() throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw systemError("fstat", path: path) }
        return Int(info.st_size)
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and `EINTR`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw systemError("write", path: path)
            }
            if n == 0 { throw systemError("write", path: path, errno: ENOSPC) }
            done += n
        }
    }

    /// Reads the whole file.
    func readAll() throws -> [UInt8] {
        let total = try size()
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var done = 0
            while done < total {
                let n = pread(descriptor, buffer.baseAddress! + done, total - done, off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }  // shrank underneath us
                done += n
            }
            count = done
        }
        if failure != 0 { throw systemError("read", path: path, errno: failure) }
        return bytes
    }

    /// Flushes data (and the metadata needed to read it) to stable storage.
    func syncData() throws {
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw systemError("fdatasync", path: path) }
        }
    }

    /// Flushes data and metadata to stable storage.
    func sync() throws {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw systemError("fsync", path: path) }
        }
    }

    /// Cuts or extends the file to `length` bytes.
    func truncate(to length: Int) throws {
        while ftruncate(descriptor, off_t(length)) != 0 {
            if errno != EINTR { throw systemError("ftruncate", path: path) }
        }
    }

    /// Takes an exclusive `flock` without waiting; throws `io` when another
    /// open file description (another process, or another store) holds it.
    func lockExclusively(what: String) throws {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK {
                throw StoreError(
                    .io, "trie: '\(what)' is already open in another store or process (lock '\(path)' is held)")
            }
            throw systemError("flock", path: path)
        }
    }
}

/// Renames `from` to `to` atomically, replacing `to`.
func renameFile(_ from: String, to: String) throws {
    guard rename(from, to) == 0 else { throw systemError("rename to '\(to)' of", path: from) }
}

/// Makes the directory's entries (creations, renames) durable.
func syncDirectory(_ path: String) throws {
    let dir = try File(path: path, flags: O_RDONLY | O_DIRECTORY)
    try dir.sync()
    try dir.close()
}

/// Creates directory `path` unless it exists. Returns whether it existed.
func ensureDirectory(_ path: String, create: Bool) throws {
    var info = stat()
    if stat(path, &info) == 0 {
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError(.invalidArgument, "trie: '\(path)' exists and is not a directory")
        }
        return
    }
    guard errno == ENOENT else { throw systemError("stat", path: path) }
    guard create else { throw StoreError(.notFound, "trie: no store at '\(path)' and createIfMissing is off") }
    guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw systemError("mkdir", path: path) }
}

/// Whether a file exists at `path`.
func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}
