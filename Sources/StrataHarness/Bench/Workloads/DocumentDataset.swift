import StrataDocument

/// Slate's benchmark records: a contact with a status, a contact count, three
/// product recommendations, two to four tags, a nullable last-contacted time
/// (set for about 70 %) and notes (present on about half), indexed on
/// `status` and `contacts_count`.
///
/// ```
/// { _id: "doc-0000042", name: "Contact 42", status: "active" | "rejected",
///   contacts_count: 0…100, products: [{name, category, price} × 3],
///   tags: [2…4 of tagNames], last_contacted_at: date | null, notes?: "…" }
/// ```
struct DocumentDataset: Dataset {
    static let indexes = ["status", "contacts_count"]
    static let tagNames = ["vip", "premium", "trial", "churn-risk", "newsletter", "partner", "beta", "enterprise"]
    static let productNames = ["Widget", "Gadget", "Gizmo", "Doohickey", "Sprocket", "Flange", "Bracket", "Lever"]
    static let categories = ["tools", "garden", "kitchen", "office"]
    /// Documents per `insert_many` while loading and in the `insert` workload.
    static let batch = 100

    let count: Int

    var id: String { "document:\(count)" }

    static func id(_ n: Int) -> Value {
        var digits = String(n)
        if digits.count < 7 { digits = String(repeating: "0", count: 7 - digits.count) + digits }
        return .string("doc-" + digits)
    }

    /// Document `n`, the same for a given seed on every backend.
    static func document(_ n: Int, seed: UInt64) -> Document {
        var random = StressRandom(seed: mix(seed, UInt64(n)))
        func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }
        var tags: [Value] = []
        var pool = tagNames
        for _ in 0..<(2 + Int(random.next() % 3)) {
            tags.append(.string(pool.remove(at: Int(random.next() % UInt64(pool.count)))))
        }
        let products: [Value] = (0..<3).map { _ in
            .document([
                "name": .string(pick(productNames)), "category": .string(pick(categories)),
                "price": .double(Double(random.next() % 10_000) / 100),
            ])
        }
        var doc: Document = [
            "_id": id(n),
            "name": .string("Contact \(n)"),
            "status": .string(random.next() % 2 == 0 ? "active" : "rejected"),
            "contacts_count": .int64(Int64(random.next() % 101)),
            "products": .array(products),
            "tags": .array(tags),
            "last_contacted_at": random.next() % 10 < 7
                ? .datetime(1_700_000_000_000 + Int64(random.next() % 31_536_000_000)) : .null,
        ]
        if random.next() % 2 == 0 { doc.append("notes", .string("Followed up about \(pick(productNames)) on call \(n % 97)")) }
        return doc
    }

    func load(_ run: RunContext) throws {
        let session = try run.target.documents()
        try session.createCollection(run.namespace, indexes: Self.indexes)
        var n = 0
        while n < count {
            let end = min(count, n + Self.batch)
            try session.insert((n..<end).map { Self.document($0, seed: run.seed) }, into: run.namespace)
            n = end
        }
    }
}
