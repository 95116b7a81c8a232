extension Value {
    /// Structural equality; doubles compare by bit pattern (see ``Value``).
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null), (.undefined, .undefined), (.minKey, .minKey), (.maxKey, .maxKey): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int32(let x), .int32(let y)): x == y
        case (.int64(let x), .int64(let y)): x == y
        case (.double(let x), .double(let y)): x.bitPattern == y.bitPattern
        case (.decimal128(let x), .decimal128(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.binary(let x), .binary(let y)): x == y
        case (.objectId(let x), .objectId(let y)): x == y
        case (.datetime(let x), .datetime(let y)): x == y
        case (.timestamp(let x), .timestamp(let y)): x == y
        case (.regex(let x), .regex(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.document(let x), .document(let y)): x == y
        case (.javascript(let x), .javascript(let y)): x == y
        case (.javascriptWithScope(let c1, let s1), .javascriptWithScope(let c2, let s2)): c1 == c2 && s1 == s2
        case (.symbol(let x), .symbol(let y)): x == y
        case (.dbPointer(let n1, let i1), .dbPointer(let n2, let i2)): n1 == n2 && i1 == i2
        default: false
        }
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bsonType.rawValue)
        switch self {
        case .null, .undefined, .minKey, .maxKey: break
        case .bool(let v): hasher.combine(v)
        case .int32(let v): hasher.combine(v)
        case .int64(let v), .datetime(let v): hasher.combine(v)
        case .double(let v): hasher.combine(v.bitPattern)
        case .decimal128(let v): hasher.combine(v)
        case .string(let v), .javascript(let v), .symbol(let v): hasher.combine(v)
        case .binary(let v): hasher.combine(v)
        case .objectId(let v): hasher.combine(v)
        case .timestamp(let v): hasher.combine(v)
        case .regex(let v): hasher.combine(v)
        case .array(let v): hasher.combine(v)
        case .document(let v): hasher.combine(v)
        case .javascriptWithScope(let code, let scope):
            hasher.combine(code)
            hasher.combine(scope)
        case .dbPointer(let namespace, let id):
            hasher.combine(namespace)
            hasher.combine(id)
        }
    }
}
