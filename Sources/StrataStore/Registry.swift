/// How to open one backend by name.
public struct BackendDescriptor: Sendable {
    /// The short name users type: `rocksdb`, `lmdb`, `trie`.
    public let name: String
    /// One line on what the backend is.
    public let summary: String
    /// The version of the library behind the backend, read from the library itself.
    public let version: @Sendable () -> String
    /// What the backend can do (known before opening it).
    public let capabilities: StoreCapabilities
    /// Opens a store with these options.
    public let open: @Sendable (StoreOptions) throws -> any Store

    public init(
        name: String,
        summary: String,
        capabilities: StoreCapabilities,
        version: @escaping @Sendable () -> String,
        open: @escaping @Sendable (StoreOptions) throws -> any Store
    ) {
        self.name = name
        self.summary = summary
        self.capabilities = capabilities
        self.version = version
        self.open = open
    }
}

/// Maps backend names to the code that opens them.
public struct StoreRegistry: Sendable {
    public let descriptors: [BackendDescriptor]

    public init(_ descriptors: [BackendDescriptor]) {
        var seen = Set<String>()
        for d in descriptors {
            precondition(seen.insert(d.name).inserted, "backend '\(d.name)' registered twice")
        }
        self.descriptors = descriptors
    }

    /// The registered names, in registration order.
    public var names: [String] { descriptors.map(\.name) }

    /// The backend called `name`. Throws `invalidArgument` listing the known names.
    public func descriptor(named name: String) throws -> BackendDescriptor {
        guard let d = descriptors.first(where: { $0.name == name }) else {
            throw StoreError(
                .invalidArgument,
                "unknown backend '\(name)'; available: \(names.joined(separator: ", "))"
            )
        }
        return d
    }

    /// Opens backend `name` with `options`.
    public func open(_ name: String, options: StoreOptions) throws -> any Store {
        try descriptor(named: name).open(options)
    }
}
