import Yams

/// The file `strata init --config` reads: the collections a server should
/// have and the fields each one indexes.
///
/// ```yaml
/// collections:
///   - name: users
///     indexes: [status, age]
///   - name: orders          # indexes may be left out
/// ```
///
/// Every problem is one line naming where it is (`line L: …`), for an exit
/// status of 2.
struct InitConfig: Equatable {
    struct Collection: Equatable {
        var name: String
        var indexes: [String]
    }

    var collections: [Collection]

    /// Parses the YAML text of a config file.
    /// - Throws: ``InitConfig/Problem`` saying what is wrong and where.
    init(yaml text: String) throws(Problem) {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw Problem("not valid YAML: \(first)")
        }
        guard let root, let top = root.mapping else {
            throw Problem("expected a mapping with a `collections` list at the top")
        }
        for (key, _) in top where key.string != "collections" {
            throw Problem("\(Self.place(key))unknown key \(Self.quoted(key)); the only one is `collections`")
        }
        guard let list = top["collections"] else { throw Problem("missing the `collections` list") }
        if case .scalar(let scalar) = list, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            collections = []
            return
        }
        guard let entries = list.sequence else {
            throw Problem("\(Self.place(list))`collections` must be a list of {name, indexes}")
        }
        var seen = Set<String>()
        var collections: [Collection] = []
        for entry in entries {
            let collection = try Self.collection(entry)
            guard seen.insert(collection.name).inserted else {
                throw Problem("\(Self.place(entry))collection \(collection.name.debugDescription) is listed twice")
            }
            collections.append(collection)
        }
        self.collections = collections
    }

    private static func collection(_ entry: Node) throws(Problem) -> Collection {
        guard let fields = entry.mapping else {
            throw Problem("\(place(entry))each collection must be a mapping with `name` and optional `indexes`")
        }
        for (key, _) in fields where key.string != "name" && key.string != "indexes" {
            throw Problem("\(place(key))unknown key \(quoted(key)) in a collection; expected `name`, `indexes`")
        }
        guard let nameNode = fields["name"] else { throw Problem("\(place(entry))a collection has no `name`") }
        guard let name = nameNode.scalar?.string, !name.isEmpty else {
            throw Problem("\(place(nameNode))`name` must be a non-empty string")
        }
        var indexes: [String] = []
        if let list = fields["indexes"] {
            guard let elements = list.sequence else {
                throw Problem("\(place(list))`indexes` of \(name.debugDescription) must be a list of field names")
            }
            for element in elements {
                guard let field = element.scalar?.string, !field.isEmpty else {
                    throw Problem("\(place(element))an index of \(name.debugDescription) must be a field name")
                }
                if !indexes.contains(field) { indexes.append(field) }
            }
        }
        return Collection(name: name, indexes: indexes)
    }

    private static func place(_ node: Node) -> String {
        node.mark.map { "line \($0.line): " } ?? ""
    }

    private static func quoted(_ node: Node) -> String {
        node.string.map { "`\($0)`" } ?? "(not a string)"
    }

    /// What is wrong with a config file, as one line.
    struct Problem: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
