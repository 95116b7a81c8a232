#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, blocking TCP socket with send and receive timeouts. One owner
/// closes it (`deinit` or ``close()``).
final class Socket {
    private var fd: Int32

    /// Connects to `host:port`, trying each address the name resolves to.
    /// `timeout` bounds connecting and every later send and receive.
    init(host: String, port: Int, timeout: Duration) throws(ClientError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw ClientError(.connection, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            current = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd < 0 {
                lastError = Socket.errnoText()
                continue
            }
            Socket.setTimeouts(fd, timeout)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                self.fd = fd
                return
            }
            lastError = Socket.errnoText()
            _ = Glibc.close(fd)
        }
        throw ClientError(.connection, "cannot connect to \(host):\(port): \(lastError)")
    }

    deinit { close() }

    var isOpen: Bool { fd >= 0 }

    func close() {
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
    }

    /// Sends every byte of `bytes`.
    func send(_ bytes: [UInt8]) throws(ClientError) {
        guard fd >= 0 else { throw ClientError(.connection, "the connection is closed") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                let error = Socket.failure(errno, "send")
                close()
                throw error
            }
            sent += n
        }
    }

    /// Scratch space for `recv`, allocated once.
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    /// Receives what has arrived (at least one byte), appending it to `buffer`;
    /// throws when the peer closed the connection.
    func receive(into buffer: inout [UInt8]) throws(ClientError) {
        guard fd >= 0 else { throw ClientError(.connection, "the connection is closed") }
        while true {
            let fd = self.fd
            let n = scratch.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress!, raw.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: scratch[0..<n])
                return
            }
            if n == 0 {
                close()
                throw ClientError(.connection, "the server closed the connection")
            }
            if errno == EINTR { continue }
            let error = Socket.failure(errno, "receive")
            close()
            throw error
        }
    }

    private static func failure(_ code: Int32, _ what: String) -> ClientError {
        if code == EAGAIN || code == EWOULDBLOCK {
            return ClientError(.timeout, "\(what) timed out")
        }
        return ClientError(.connection, "\(what) failed: \(String(cString: strerror(code)))")
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func setTimeouts(_ fd: Int32, _ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        if tv.tv_sec == 0 && tv.tv_usec == 0 { tv.tv_usec = 1 }
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}
