import NIOPosix
import StrataWire

/// One unit of a connection's ordered work: a request to answer, or a response
/// already decided on the event loop (a rejected frame, `unauthorized`, `auth`).
enum WorkItem: Sendable {
    case request(Request)
    case response(Response)
}

/// What every connection shares: the op table, the store and the worker pool.
final class ConnectionServices: Sendable {
    let ops: OpRegistry
    let context: OpContext
    let threadPool: NIOThreadPool
    let tracker: ConnectionTracker
    let configuration: ServerConfiguration

    init(
        ops: OpRegistry, context: OpContext, threadPool: NIOThreadPool, tracker: ConnectionTracker,
        configuration: ServerConfiguration
    ) {
        self.ops = ops
        self.context = context
        self.threadPool = threadPool
        self.tracker = tracker
        self.configuration = configuration
    }

    /// Answers `batch` in order on the calling (worker) thread and returns the
    /// framed responses, one after the other, and how many were errors.
    func run(_ batch: [WorkItem]) -> (bytes: [UInt8], errors: Int) {
        var bytes: [UInt8] = []
        var errors = 0
        for item in batch {
            let response: Response
            switch item {
            case .response(let ready):
                response = ready
            case .request(let request):
                do {
                    response = .ok(id: request.id, result: try ops.answer(request, context: context))
                } catch {
                    response = .error(id: request.id, ResponseError(mapping: error))
                }
            }
            if case .error = response { errors += 1 }
            append(response, to: &bytes)
        }
        context.stats.answered(requests: batch.count, errors: errors)
        return (bytes, errors)
    }

    /// Frames `response`; one too large for a frame becomes a `too_large` error.
    func append(_ response: Response, to bytes: inout [UInt8]) {
        let maxSize = configuration.maxFrameSize
        do {
            try Frame.encode(into: &bytes, maxSize: maxSize) { response.encode(into: &$0) }
        } catch {
            let replacement = Response.error(
                id: response.id, code: .tooLarge,
                message: "the response exceeds the maximum frame size of \(maxSize) bytes")
            try? Frame.encode(into: &bytes, maxSize: Int(UInt32.max)) { replacement.encode(into: &$0) }
        }
    }
}
