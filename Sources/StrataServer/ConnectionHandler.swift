import Logging
import NIOCore
import StrataWire

/// One connection: splits the byte stream into frames, checks auth, and answers
/// requests in the order received.
///
/// Requests of one connection run one batch at a time on the worker pool, in
/// order, so a pipelined `kv_put` then `kv_get` of the same key sees the put;
/// connections run in parallel with each other. Responses go out in request
/// order because items (requests and responses decided here) wait in one queue.
///
/// Back-pressure: reading stops while many requests wait or the socket is not
/// writable, so a client that pipelines without reading cannot grow the
/// server's memory without bound.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Requests per worker-pool hop.
    static let batchLimit = 128
    /// Queued items above which reading pauses.
    static let readPauseThreshold = 1024

    private let services: ConnectionServices
    private var logger: Logger
    private var decoder: FrameDecoder
    private var queue: [WorkItem] = []
    private var queueHead = 0
    private var batchRunning = false
    private var authenticated: Bool
    private var admitted = false
    /// No more input is taken; close once the queue is answered.
    private var closing = false
    private var readPending = false
    /// The last response write, which a close waits for.
    private var lastWrite: EventLoopFuture<Void>?

    init(services: ConnectionServices) {
        self.services = services
        self.logger = services.configuration.logger
        self.decoder = FrameDecoder(maxFrameSize: services.configuration.maxFrameSize)
        self.authenticated = services.configuration.token == nil
    }

    private var queuedCount: Int { queue.count - queueHead }

    // MARK: Lifecycle

    func channelActive(context: ChannelHandlerContext) {
        if let remote = context.channel.remoteAddress { logger[metadataKey: "peer"] = "\(remote)" }
        guard services.tracker.admit(context.channel) else {
            services.context.stats.connectionRefused()
            logger.info("connection refused: the limit of \(services.tracker.maxConnections) is reached")
            var bytes: [UInt8] = []
            services.append(
                .error(
                    id: nil, code: .unsupported,
                    message: "too many connections (the limit is \(services.tracker.maxConnections))"),
                to: &bytes)
            closing = true
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        admitted = true
        services.context.stats.connectionOpened()
        logger.debug("connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted {
            admitted = false
            services.tracker.remove(context.channel)
            services.context.stats.connectionClosed()
            logger.debug("connection closed")
        }
        closing = true
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainEvent {
            closing = true
            closeIfDone(context: context)
        } else if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            if !batchRunning && queuedCount == 0 {
                logger.debug("closing an idle connection")
                closing = true
                context.close(promise: nil)
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error: \(error)")
        closing = true
        context.close(promise: nil)
    }

    // MARK: Input

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        do {
            while let frame = try decoder.next() {
                enqueue(frame)
            }
        } catch {
            // The frame boundary is lost: answer what came before, say why, close.
            let wire = (error as? WireError).map(ResponseError.init) ?? ResponseError(.badRequest, "\(error)")
            logger.info("closing the connection: \(wire.message)")
            queue.append(.response(.error(id: nil, wire)))
            closing = true
        }
        pump(context: context)
    }

    private func enqueue(_ frame: FrameDecoder.DecodedFrame) {
        switch frame.request() {
        case .failure(let rejected):
            queue.append(.response(rejected.response))
        case .success(let request):
            if request.op == "auth" {
                queue.append(.response(authenticate(request)))
            } else if !authenticated {
                queue.append(
                    .response(
                        .error(
                            id: request.id, code: .unauthorized,
                            message: "authenticate first with {\"op\": \"auth\", \"token\": …}")))
            } else {
                queue.append(.request(request))
            }
        }
    }

    /// `auth {token}` → `true`, or `unauthorized` for a wrong or missing token.
    /// Without a configured token every connection is already authenticated.
    private func authenticate(_ request: Request) -> Response {
        guard let expected = services.configuration.token else { return .ok(id: request.id, result: .bool(true)) }
        let given = request[argument: "token"]?.stringValue
        if let given, constantTimeEqual(Array(given.utf8), Array(expected.utf8)) {
            authenticated = true
            return .ok(id: request.id, result: .bool(true))
        }
        logger.info("authentication failed")
        return .error(id: request.id, code: .unauthorized, message: "wrong or missing token")
    }

    func read(context: ChannelHandlerContext) {
        if queuedCount >= Self.readPauseThreshold {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        pump(context: context)
        context.fireChannelWritabilityChanged()
    }

    // MARK: Output

    /// Starts the next batch unless one is running or the socket is backed up.
    private func pump(context: ChannelHandlerContext) {
        guard !batchRunning, queuedCount > 0, context.channel.isActive else {
            closeIfDone(context: context)
            return
        }
        guard context.channel.isWritable else { return }
        let end = min(queue.count, queueHead + Self.batchLimit)
        let batch = Array(queue[queueHead..<end])
        queueHead = end
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead > 4096 {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        if readPending && queuedCount < Self.readPauseThreshold {
            readPending = false
            context.read()
        }

        batchRunning = true
        if !batch.contains(where: { if case .request = $0 { true } else { false } }) {
            // Nothing for the store: answer here, without a hop.
            finish(context: context, .success(services.run(batch)))
            return
        }
        let services = self.services
        services.threadPool.runIfActive(eventLoop: context.eventLoop) { services.run(batch) }
            .assumeIsolated().whenComplete { result in self.finish(context: context, result) }
    }

    private func finish(context: ChannelHandlerContext, _ result: Result<(bytes: [UInt8], errors: Int), any Error>) {
        batchRunning = false
        switch result {
        case .success(let output):
            if context.channel.isActive && !output.bytes.isEmpty {
                lastWrite = context.writeAndFlush(
                    wrapOutboundOut(context.channel.allocator.buffer(bytes: output.bytes)))
            }
        case .failure(let error):
            // The worker pool is gone: the server is stopping.
            logger.debug("closing the connection: \(error)")
            closing = true
            queue.removeAll()
            queueHead = 0
        }
        pump(context: context)
    }

    /// Closes the connection once it is closing and every queued item is answered.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard closing && !batchRunning && queuedCount == 0 && context.channel.isActive else { return }
        if let lastWrite {
            lastWrite.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
