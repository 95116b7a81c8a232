/// A half-open range of keys: `lower` inclusive, `upper` exclusive, in
/// lexicographic order of unsigned bytes. A missing bound is unbounded.
public struct KeyRange: Sendable, Hashable, CustomStringConvertible {
    public var lower: [UInt8]?
    public var upper: [UInt8]?

    /// Every key.
    public static let all = KeyRange(lower: nil, upper: nil)

    public init(lower: [UInt8]? = nil, upper: [UInt8]? = nil) {
        self.lower = lower
        self.upper = upper
    }

    /// Every key that starts with `prefix`.
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        KeyRange(lower: prefix.isEmpty ? nil : prefix, upper: successor(ofPrefix: prefix))
    }

    /// The smallest key greater than every key that starts with `prefix`, or nil
    /// when there is none (the prefix is empty or all `0xFF`).
    public static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var end = prefix
        while let last = end.last {
            if last == 0xFF {
                end.removeLast()
            } else {
                end[end.count - 1] = last + 1
                return end
            }
        }
        return nil
    }

    /// True when no key can fall in the range.
    public var isEmpty: Bool {
        // No key sorts before the empty string, so an empty upper bound admits nothing.
        if let upper, upper.isEmpty { return true }
        guard let lower, let upper else { return false }
        return !lexicographicallyPrecedes(lower, upper)
    }

    /// Whether `key` lies in the range.
    @inlinable
    public func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        if let lower, compareBytes(key, lower) < 0 { return false }
        if let upper, compareBytes(key, upper) >= 0 { return false }
        return true
    }

    /// Whether `key` lies in the range.
    public func contains(_ key: [UInt8]) -> Bool {
        key.withUnsafeBytes { contains($0) }
    }

    public var description: String {
        func hex(_ b: [UInt8]?) -> String { b.map { $0.map { String($0, radix: 16) }.joined(separator: " ") } ?? "∞" }
        return "[\(hex(lower)), \(hex(upper)))"
    }
}

/// Three-way comparison of byte strings in lexicographic order of unsigned bytes.
@inlinable
public func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = Swift.min(a.count, b.count)
    var i = 0
    while i < n {
        let x = a[i]
        let y = b[i]
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

/// Three-way comparison of a borrowed byte string with an array.
@inlinable
public func compareBytes(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
    b.withUnsafeBytes { compareBytes(a, $0) }
}

/// Whether `a` sorts before `b` in lexicographic order of unsigned bytes.
@inlinable
public func lexicographicallyPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareBytes(x, y) < 0 } }
}
