import NIOCore
import StrataWire
import Synchronization

/// Where one caller of ``AsyncClient`` waits for its answer.
///
/// Resolved exactly once, by whichever comes first: the response, the
/// request's timeout, the caller's cancellation, or a failure of the
/// connection. Later resolutions are ignored, so a response that arrives after
/// its caller timed out is read (keeping the order) and dropped.
final class ResponseSlot: Sendable {
    typealias Outcome = Result<MessagePackValue, ClientError>

    private enum State {
        /// Neither a waiter nor an outcome yet.
        case pending
        /// The caller waits.
        case waiting(CheckedContinuation<Outcome, Never>)
        /// The outcome came before the caller started waiting.
        case resolved(Outcome)
        /// The caller has its outcome.
        case finished
    }

    private let state = Mutex(State.pending)

    /// Waits on `continuation`, resuming it at once when the outcome is known.
    func wait(_ continuation: CheckedContinuation<Outcome, Never>) {
        let ready: Outcome? = state.withLock { state in
            switch state {
            case .pending:
                state = .waiting(continuation)
                return nil
            case .resolved(let outcome):
                state = .finished
                return outcome
            case .waiting, .finished:
                preconditionFailure("a response slot is waited on once")
            }
        }
        if let ready { continuation.resume(returning: ready) }
    }

    /// Resolves the slot unless it is resolved already.
    func resolve(_ outcome: Outcome) {
        let waiter: CheckedContinuation<Outcome, Never>? = state.withLock { state in
            switch state {
            case .pending:
                state = .resolved(outcome)
                return nil
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .resolved, .finished:
                return nil
            }
        }
        waiter?.resume(returning: outcome)
    }
}

/// Whether the connection of an ``AsyncClient`` is broken, and why: shared by
/// the client (which fails new calls at once) and its channel handler.
final class ConnectionState: Sendable {
    private let failure = Mutex<ClientError?>(nil)

    /// Why the connection is unusable, or nil while it is usable.
    var brokenBy: ClientError? { failure.withLock { $0 } }

    /// Records `error` as the reason unless one is recorded; returns the reason.
    @discardableResult
    func breakConnection(_ error: ClientError) -> ClientError {
        failure.withLock { failure in
            if let failure { return failure }
            failure = error
            return error
        }
    }
}

/// One framed request on its way to the handler.
struct PendingRequest: Sendable {
    /// The request id inside `frame`.
    let id: UInt64
    /// The whole frame: length prefix and MessagePack map.
    let frame: [UInt8]
    /// Where the answer goes.
    let slot: ResponseSlot
}

/// The channel handler of an ``AsyncClient``: writes framed requests,
/// remembers their slots in write order, splits the response stream into
/// frames with StrataWire's `FrameDecoder`, and hands each response to the
/// oldest slot (after checking the id, as ``Client`` does).
///
/// Writes arrive without a flush; the handler flushes once per event-loop
/// turn, so many concurrent callers share one `write` system call.
///
/// Any response that cannot be read, or a closed connection, breaks the
/// connection: every outstanding slot and every later call fail.
final class AsyncClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = ByteBuffer

    private let state: ConnectionState
    private var decoder: FrameDecoder
    /// Requests written and not yet answered, oldest first from `head`.
    private var waiting: [(id: UInt64, slot: ResponseSlot)] = []
    private var head = 0
    private var flushScheduled = false

    init(maxFrameSize: Int, state: ConnectionState) {
        self.state = state
        self.decoder = FrameDecoder(maxFrameSize: maxFrameSize)
    }

    // MARK: Output

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure = state.brokenBy {
            request.slot.resolve(.failure(failure))
            promise?.fail(failure)
            return
        }
        waiting.append((request.id, request.slot))
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: request.frame)), promise: promise)
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            context.flush()
        }
    }

    // MARK: Input

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        while state.brokenBy == nil {
            let frame: FrameDecoder.DecodedFrame?
            do {
                frame = try decoder.next()
            } catch {
                violation(context: context, "bad frame from the server: \(error)")
                return
            }
            guard let frame else { return }
            guard case .value(let value) = frame else {
                violation(context: context, "undecodable frame from the server")
                return
            }
            let response: Response
            do {
                response = try Response(from: value)
            } catch {
                violation(context: context, "not a response: \(error)")
                return
            }
            deliver(response, context: context)
        }
    }

    /// Hands `response` to the oldest outstanding request.
    private func deliver(_ response: Response, context: ChannelHandlerContext) {
        guard head < waiting.count else {
            violation(context: context, "a response (id \(response.id.map(String.init) ?? "nil")) to no request")
            return
        }
        let (expected, slot) = waiting[head]
        head += 1
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= waiting.count {
            waiting.removeFirst(head)
            head = 0
        }
        switch response {
        case .ok(let id, let result):
            guard id == expected else { return mismatch(id, expected, slot, context: context) }
            slot.resolve(.success(result))
        case .error(let id, let error):
            // A frame the server could not read has no id; it still answers in order.
            if let id, id != expected { return mismatch(id, expected, slot, context: context) }
            slot.resolve(.failure(ClientError(error)))
        }
    }

    private func mismatch(_ got: UInt64, _ expected: UInt64, _ slot: ResponseSlot, context: ChannelHandlerContext) {
        let message = "response id \(got) does not match request id \(expected)"
        slot.resolve(.failure(ClientError(.protocolViolation, message)))
        violation(context: context, message)
    }

    // MARK: Failure

    /// Breaks the connection after the server sent something that is not a
    /// valid response.
    private func violation(context: ChannelHandlerContext, _ message: String) {
        fail(ClientError(.connection, "the connection was closed after a protocol violation: \(message)"))
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(ClientError(.connection, "the connection failed: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ClientError(.connection, "the server closed the connection"))
        context.fireChannelInactive()
    }

    /// Records why the connection broke (the first reason wins) and fails every
    /// outstanding request with it.
    private func fail(_ error: ClientError) {
        let reason = state.breakConnection(error)
        let slots = waiting[head...].map(\.slot)
        waiting.removeAll()
        head = 0
        for slot in slots { slot.resolve(.failure(reason)) }
    }
}
