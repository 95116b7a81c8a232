import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A listener on 127.0.0.1 that accepts connections and reads everything sent
/// but never writes: a server that never answers, for timeouts, cancellation
/// and connections dropped with calls outstanding.
final class SilentServer: Sendable {
    /// The port it listens on.
    let port: Int
    private let listener: Int32
    /// Accepted sockets still open; a reader removes its socket here (under the
    /// lock) before closing it, so ``dropConnections()`` never touches a reused fd.
    private let connections = Mutex<Set<Int32>>([])
    private let received = Atomic<Int>(0)

    init() throws {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            _ = close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Bytes read from every connection so far.
    var bytesReceived: Int { received.load(ordering: .relaxed) }

    /// Waits (at most 10 s) until at least `count` bytes have arrived.
    func waitForBytes(_ count: Int) async throws {
        for _ in 0..<1000 where bytesReceived < count { try await Task.sleep(for: .milliseconds(10)) }
        guard bytesReceived >= count else { throw POSIXError(.ETIMEDOUT) }
    }

    /// Closes every accepted connection (the peer sees end of stream).
    func dropConnections() {
        connections.withLock { fds in
            for fd in fds { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Stops listening and drops every connection. The accept loop closes the
    /// listener once `accept` fails, so no other thread can be handed its fd.
    func stop() {
        _ = shutdown(listener, Int32(SHUT_RDWR))
        dropConnections()
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                _ = close(listener)
                return
            }
            connections.withLock { _ = $0.insert(fd) }
            Thread.detachNewThread { [self] in readLoop(fd) }
        }
    }

    private func readLoop(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                received.add(n, ordering: .relaxed)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        connections.withLock { _ = $0.remove(fd) }
        _ = close(fd)
    }
}
