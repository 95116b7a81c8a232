import StrataDB
import StrataDocument
import StrataQuery
import StrataSpatial
import StrataWire

extension ResponseError {
    /// The wire error for the document database's error: `notFound` →
    /// `not_found`, `exists` → `exists`, `badRequest` → `bad_request`,
    /// `tooLarge` → `too_large`, `conflict` → `conflict`; `corrupt` and
    /// `storage` are the server's failures (`internal`). The message is the engine's.
    init(database error: DatabaseError) {
        switch error.code {
        case .notFound: self.init(.notFound, error.message)
        case .exists: self.init(.exists, error.message)
        case .badRequest: self.init(.badRequest, error.message)
        case .tooLarge: self.init(.tooLarge, error.message)
        case .conflict: self.init(.conflict, error.message)
        default: self.init(.internal, "\(error.code): \(error.message)")
        }
    }

    /// The wire error for the spatial layer's error: bad coordinates, boxes,
    /// radii, polygons and arguments are `bad_request`, a duplicate id
    /// `exists`, a closed tracker (the server is stopping) `internal`.
    init(spatial error: SpatialError) {
        switch error.code {
        case .invalidCoordinate, .invalidBoundingBox, .invalidRadius, .degeneratePolygon, .invalidArgument:
            self.init(.badRequest, error.message)
        case .duplicateID: self.init(.exists, error.message)
        default: self.init(.internal, "\(error.code): \(error.message)")
        }
    }

    /// The wire error for a query or document the engine rejects before any
    /// transaction: `bad_request` (or `too_large`) with the engine's message.
    init(engine error: any Error) {
        switch error {
        case let error as QueryError: self.init(.badRequest, error.message)
        case let error as DocumentError: self.init(database: DatabaseError(mapping: error))
        default: self.init(.internal, "\(error)")
        }
    }
}
