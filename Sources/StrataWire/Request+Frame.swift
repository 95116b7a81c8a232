/// A frame that did not hold a valid request, with the error response to send.
/// The connection stays open: the frame boundary is known.
public struct RejectedRequest: Error, Hashable, Sendable {
    /// The request's id when it could be read, else `nil`.
    public var id: UInt64?
    /// Why the request was rejected (`.badRequest`, or `.tooLarge` from the decoder).
    public var error: ResponseError

    /// Creates a rejection.
    public init(id: UInt64?, error: ResponseError) {
        self.id = id
        self.error = error
    }

    /// The error response to send.
    public var response: Response { .error(id: id, error) }
}

extension FrameDecoder.DecodedFrame {
    /// The request this frame holds, or the rejection whose `response` to send:
    /// a payload that is not valid MessagePack or not a valid request envelope.
    public func request() -> Result<Request, RejectedRequest> {
        switch self {
        case .invalid(let error):
            return .failure(RejectedRequest(id: nil, error: ResponseError(error)))
        case .value(let value):
            do {
                return .success(try Request(from: value))
            } catch let error as ResponseError {
                return .failure(RejectedRequest(id: Request.id(in: value), error: error))
            } catch {
                return .failure(RejectedRequest(id: Request.id(in: value), error: ResponseError(.internal, "\(error)")))
            }
        }
    }
}
