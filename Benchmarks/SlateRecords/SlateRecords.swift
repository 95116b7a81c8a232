import StrataDocument
import StrataStoreTesting

/// Slate's benchmark record (the harness's `DocumentDataset`): a contact with
/// a status, a contact count, three products, two to four tags, a nullable
/// date and optional notes, indexed on `status` and `contacts_count`.
public enum SlateRecords {
    public static let indexes = ["status", "contacts_count"]
    public static let tags = ["vip", "premium", "trial", "churn-risk", "newsletter", "partner", "beta", "enterprise"]
    public static let products = ["Widget", "Gadget", "Gizmo", "Doohickey", "Sprocket", "Flange", "Bracket", "Lever"]
    public static let categories = ["tools", "garden", "kitchen", "office"]

    public static func id(_ n: Int) -> Value {
        let digits = String(n)
        return .string("doc-" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits)
    }

    public static func document(_ n: Int) -> Document {
        var random = SeededGenerator(seed: UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
        func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }
        var pool = tags
        var chosen: [Value] = []
        for _ in 0..<(2 + Int(random.next() % 3)) {
            chosen.append(.string(pool.remove(at: Int(random.next() % UInt64(pool.count)))))
        }
        var doc: Document = [
            "_id": id(n),
            "name": .string("Contact \(n)"),
            "status": .string(random.next() % 2 == 0 ? "active" : "rejected"),
            "contacts_count": .int64(Int64(random.next() % 101)),
            "products": .array(
                (0..<3).map { _ in
                    .document([
                        "name": .string(pick(products)), "category": .string(pick(categories)),
                        "price": .double(Double(random.next() % 10_000) / 100),
                    ])
                }),
            "tags": .array(chosen),
            "last_contacted_at": random.next() % 10 < 7
                ? .datetime(1_700_000_000_000 + Int64(random.next() % 31_536_000_000)) : .null,
        ]
        if random.next() % 2 == 0 { doc.append("notes", .string("Followed up about \(pick(products)) on call \(n % 97)")) }
        return doc
    }

    public static func randomIDs(_ n: Int, below count: Int) -> [Value] {
        var random = SeededGenerator(seed: 0x1D5)
        return (0..<n).map { _ in id(Int(random.next() % UInt64(count))) }
    }
}
