import StrataDB
import StrataDocument
import StrataQuery
import StrataSpatial
import StrataStore
import StrataWire

extension ResponseError {
    /// The wire error for any error a handler threw: `ResponseError` as is,
    /// `StoreError` by code (notFound → not_found, conflict → conflict,
    /// invalidArgument → bad_request, exists → exists, others → internal with the
    /// store's message), `WireError` by ``ResponseError/init(_:)``, the document
    /// database's, query and spatial errors by their codes (see
    /// `EngineError+Response.swift`), anything else internal.
    public init(mapping error: any Error) {
        switch error {
        case let error as ResponseError:
            self = error
        case let error as StoreError:
            switch error.code {
            case .notFound: self.init(.notFound, error.message)
            case .conflict: self.init(.conflict, error.message)
            case .invalidArgument: self.init(.badRequest, error.message)
            case .exists: self.init(.exists, error.message)
            default: self.init(.internal, "\(error.code): \(error.message)")
            }
        case let error as WireError:
            self.init(error)
        case let error as DatabaseError:
            self.init(database: error)
        case let error as SpatialError:
            self.init(spatial: error)
        case is QueryError, is DocumentError:
            self.init(engine: error)
        default:
            self.init(.internal, "\(error)")
        }
    }
}
