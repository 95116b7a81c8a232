/// ISO-8601 dates for `$date` in Extended JSON: milliseconds since the epoch
/// to and from `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)`, proleptic Gregorian,
/// using Howard Hinnant's civil-from-days algorithms (no Foundation).
enum ISODate {
    static func format(milliseconds ms: Int64) -> String {
        let (days, msOfDay) = floorDivide(ms, 86_400_000)
        let (y, m, d) = civil(fromDays: days)
        let h = msOfDay / 3_600_000
        let min = msOfDay / 60_000 % 60
        let s = msOfDay / 1000 % 60
        let frac = msOfDay % 1000
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(min, 2)):\(pad(s, 2))"
        if frac != 0 { out += "." + pad(frac, 3) }
        return out + "Z"
    }

    /// Nil when `text` is not an ISO-8601 date-time with a zone.
    static func parse(_ text: String) -> Int64? {
        let c = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard c.count - i >= width else { return nil }
            var v: Int64 = 0
            for k in 0..<width {
                let d = c[i + k]
                guard d >= 0x30 && d <= 0x39 else { return nil }
                v = v * 10 + Int64(d - 0x30)
            }
            i += width
            return v
        }
        func expect(_ ch: Character) -> Bool {
            guard i < c.count, c[i] == ch.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let y = number(4), expect("-"), let mo = number(2), expect("-"), let d = number(2), expect("T"),
            let h = number(2), expect(":"), let mi = number(2), expect(":"), let s = number(2),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var ms: Int64 = 0
        if expect(".") {
            var digits = 0
            while i < c.count, c[i] >= 0x30 && c[i] <= 0x39 {
                if digits < 3 { ms = ms * 10 + Int64(c[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { ms *= 10 }
        }
        var offsetMinutes: Int64 = 0
        if expect("Z") {
        } else if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
            let negative = c[i] == UInt8(ascii: "-")
            i += 1
            guard let oh = number(2) else { return nil }
            _ = expect(":")
            guard let om = number(2) else { return nil }
            offsetMinutes = (oh * 60 + om) * (negative ? -1 : 1)
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let days = self.days(fromCivil: y, mo, d)
        // Reject days the month does not have (2023-02-29, 2024-04-31).
        guard civil(fromDays: days) == (y, mo, d) else { return nil }
        return ((days * 24 + h) * 60 + mi - offsetMinutes) * 60_000 + s * 1000 + ms
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 {
            q -= 1
            r += b
        }
        return (q, r)
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
