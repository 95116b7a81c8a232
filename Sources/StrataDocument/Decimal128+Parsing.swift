extension Decimal128 {
    /// Parses decimal text (`"1.23E+5"`, `"-0.001"`, `"Infinity"`, `"NaN"`) into
    /// the BID encoding. Values that need rounding (more than 34 significant
    /// digits that are not trailing zeros) are rejected rather than rounded.
    /// - Throws: `DocumentError` `.invalidJSON` for text that is not a decimal,
    ///   `.unsupported` for values that would need rounding or overflow.
    public init(parsing text: String) throws(DocumentError) {
        var c = Array(text.utf8)
        var negative = false
        if let first = c.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            c.removeFirst()
        }
        let word = String(decoding: c, as: UTF8.self).lowercased()
        if word == "inf" || word == "infinity" {
            self.init(high: (negative ? 1 << 63 : 0) | 0x7800_0000_0000_0000, low: 0)
            return
        }
        if word == "nan" {
            self.init(high: 0x7C00_0000_0000_0000, low: 0)
            return
        }
        func bad() -> DocumentError { DocumentError(.invalidJSON, "\(text.debugDescription) is not a decimal number") }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawPoint = false
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch >= 0x30 && ch <= 0x39 {
                digits.append(ch - 0x30)
                if sawPoint { fractionDigits += 1 }
            } else if ch == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard !digits.isEmpty else { throw bad() }
        var exponent = 0
        if i < c.count {
            guard c[i] == UInt8(ascii: "e") || c[i] == UInt8(ascii: "E") else { throw bad() }
            i += 1
            var expNegative = false
            if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
                expNegative = c[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < c.count else { throw bad() }
            while i < c.count {
                guard c[i] >= 0x30 && c[i] <= 0x39 else { throw bad() }
                if exponent < 100_000 { exponent = exponent * 10 + Int(c[i] - 0x30) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        exponent -= fractionDigits
        // Leading zeros carry no value.
        while digits.count > 1 && digits[0] == 0 { digits.removeFirst() }
        let isZero = digits == [0]
        // Too many digits: only trailing zeros may go.
        while digits.count > 34 && digits.last == 0 {
            digits.removeLast()
            exponent += 1
        }
        guard digits.count <= 34 else {
            throw DocumentError(.unsupported, "\(text.debugDescription) needs rounding to fit a decimal128")
        }
        if isZero {
            exponent = min(max(exponent, -6176), 6111)
        }
        while exponent > 6111 && digits.count < 34 {
            digits.append(0)
            exponent -= 1
        }
        while exponent < -6176 && digits.count > 1 && digits.last == 0 {
            digits.removeLast()
            exponent += 1
        }
        guard (-6176...6111).contains(exponent) else {
            throw DocumentError(.unsupported, "\(text.debugDescription) is out of the decimal128 range")
        }
        var coefficient: UInt128 = 0
        for d in digits { coefficient = coefficient * 10 + UInt128(d) }
        let biased = UInt64(exponent + 6176)
        let high = (negative ? 1 << 63 : 0) | biased << 49 | UInt64(truncatingIfNeeded: coefficient >> 64)
        self.init(high: high, low: UInt64(truncatingIfNeeded: coefficient))
    }

    init(high: UInt64, low: UInt64) {
        var bytes: [UInt8] = []
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: low >> (8 * i))) }
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: high >> (8 * i))) }
        self.init(bytes: bytes)
    }
}
