extension Document {
    /// Sets (or, with nil, removes) the value at a dot path, creating missing
    /// embedded documents on the way, as `$set` and `$unset` need. A component
    /// addressing an array must be an index; setting past the end pads the
    /// array with nulls, removing from an array sets the element to null
    /// (MongoDB's `$unset` behaviour), and removing a missing path does nothing.
    /// - Throws: `DocumentError` `.invalidPath` for an empty component, a step
    ///   through a value that is neither a document nor an array, or a
    ///   non-index component on an array.
    public mutating func setValue(_ value: Value?, atPath path: String) throws(DocumentError) {
        let components = path.split(separator: ".", omittingEmptySubsequences: false)
        guard !components.contains(where: \.isEmpty) else {
            throw DocumentError(.invalidPath, "path \(path.debugDescription) has an empty component")
        }
        var root = Value.document(self)
        try Document.set(value, in: &root, components[...], path: path)
        if case .document(let d) = root { self = d }
    }

    private static func set(
        _ value: Value?, in target: inout Value, _ components: ArraySlice<Substring>, path: String
    ) throws(DocumentError) {
        let component = components.first!
        let rest = components.dropFirst()
        switch target {
        case .document(var d):
            let key = String(component)
            if rest.isEmpty {
                d[key] = value
            } else if var child = d[key] {
                try set(value, in: &child, rest, path: path)
                d[key] = child
            } else if value != nil {
                var child = Value.document(Document())
                try set(value, in: &child, rest, path: path)
                d[key] = child
            }
            target = .document(d)
        case .array(var a):
            guard let i = Document.arrayIndex(component) else {
                throw DocumentError(
                    .invalidPath, "\(component.debugDescription) in \(path.debugDescription) is not an array index")
            }
            if i >= a.count {
                guard value != nil else { return }
                guard i < 1_000_000 else {
                    throw DocumentError(.invalidPath, "array index \(i) in \(path.debugDescription) is too large")
                }
                a.append(contentsOf: repeatElement(.null, count: i + 1 - a.count))
            }
            if rest.isEmpty {
                a[i] = value ?? .null
            } else {
                var child = a[i]
                if child == .null && value != nil { child = .document(Document()) }
                try set(value, in: &child, rest, path: path)
                a[i] = child
            }
            target = .array(a)
        default:
            guard value != nil else { return }
            throw DocumentError(
                .invalidPath,
                "cannot set \(path.debugDescription): \(component.debugDescription) is inside a \(target.bsonType)")
        }
    }
}
