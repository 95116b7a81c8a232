/// Strict UTF-8 validation (Unicode Table 3-7: no overlong forms, no
/// surrogates, nothing above U+10FFFF), with an ASCII fast path. Written out
/// because the generic `String(validating:as:)` costs more than the decoding
/// itself on the BSON hot path.
enum UTF8Validation {
    static func isValid(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            func continuation(_ k: Int) -> Bool { b[k] & 0xC0 == 0x80 }
            if c < 0xC2 { return false }
            if c < 0xE0 {
                guard n - i >= 2, continuation(i + 1) else { return false }
                i += 2
            } else if c < 0xF0 {
                guard n - i >= 3 else { return false }
                let c1 = b[i + 1]
                let low: UInt8 = c == 0xE0 ? 0xA0 : 0x80
                let high: UInt8 = c == 0xED ? 0x9F : 0xBF
                guard c1 >= low, c1 <= high, continuation(i + 2) else { return false }
                i += 3
            } else if c < 0xF5 {
                guard n - i >= 4 else { return false }
                let c1 = b[i + 1]
                let low: UInt8 = c == 0xF0 ? 0x90 : 0x80
                let high: UInt8 = c == 0xF4 ? 0x8F : 0xBF
                guard c1 >= low, c1 <= high, continuation(i + 2), continuation(i + 3) else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}
