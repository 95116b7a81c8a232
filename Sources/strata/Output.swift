import Foundation

/// Writes `text` to standard error.
func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Renders bytes for the terminal: hex with `--hex`, else UTF-8 text with
/// anything unprintable escaped as `\xNN` (and `\` as `\\`).
func render(_ bytes: [UInt8], hex: Bool) -> String {
    if hex { return bytes.map { String(format: "%02x", $0) }.joined() }
    var out = ""
    for b in bytes {
        switch b {
        case 0x5C: out += "\\\\"
        case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
        default: out += String(format: "\\x%02x", b)
        }
    }
    return out
}

/// Parses a command-line key or value: hex digits with `--hex`, else the UTF-8 bytes.
func parseBytes(_ text: String, hex: Bool, what: String) throws -> [UInt8] {
    guard hex else { return Array(text.utf8) }
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else {
        throw CommandFailure(message: "\(what) '\(text)' is not hex: odd number of digits")
    }
    var result: [UInt8] = []
    result.reserveCapacity(digits.count / 2)
    for i in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
            throw CommandFailure(message: "\(what) '\(text)' is not hex: bad digits at offset \(i)")
        }
        result.append(byte)
    }
    return result
}
