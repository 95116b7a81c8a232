/// The identity of one version of a column family's contents, as a
/// transaction sees them (``ReadTransaction/contentVersion(of:)``).
///
/// Two equal versions of the same column family mean the same keys and
/// values. A version holds its token, so the token cannot be freed and
/// reused for other contents while anyone keeps the version; a backend
/// must hand out a new token whenever the contents change.
///
/// `@unchecked Sendable` without a lock: the token is never read, written
/// or called through a version, only kept alive and compared by identity,
/// so sharing a version shares no mutable state.
public struct ContentVersion: @unchecked Sendable, Equatable {
    private let token: AnyObject

    /// A version identified by `token` (compared by identity, `===`).
    public init(token: AnyObject) {
        self.token = token
    }

    public static func == (a: ContentVersion, b: ContentVersion) -> Bool { a.token === b.token }
}
