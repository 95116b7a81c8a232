/// Typed access to a request's arguments.
///
/// Required accessors throw `ResponseError(.badRequest)` naming the argument
/// when it is missing, nil, or of the wrong type. Optional accessors return
/// `nil` when the argument is absent or nil, and throw when it has the wrong type.
extension Request {
    /// The argument's value, if present (nil values included).
    public subscript(argument name: String) -> MessagePackValue? {
        for argument in arguments where argument.name == name { return argument.value }
        return nil
    }

    /// Whether the argument is present and not nil.
    public func has(_ name: String) -> Bool {
        guard let value = self[argument: name] else { return false }
        return !value.isNil
    }

    /// The argument's value, whatever its type. Throws `.badRequest` when missing or nil.
    public func value(_ name: String) throws -> MessagePackValue {
        guard let value = self[argument: name], !value.isNil else { throw missing(name) }
        return value
    }

    /// The argument's value, or `nil` when absent or nil.
    public func optionalValue(_ name: String) -> MessagePackValue? {
        guard let value = self[argument: name], !value.isNil else { return nil }
        return value
    }

    /// A string argument. Throws `.badRequest` when missing, nil or not a string.
    public func string(_ name: String) throws -> String {
        try typed(name, "a string", \.stringValue)
    }

    /// An optional string argument. Throws `.badRequest` when present but not a string.
    public func optionalString(_ name: String) throws -> String? {
        try optionalTyped(name, "a string", \.stringValue)
    }

    /// An integer argument (any int or uint that fits `Int64`). Throws `.badRequest` otherwise.
    public func int(_ name: String) throws -> Int64 {
        try typed(name, "an integer", \.intValue)
    }

    /// An optional integer argument. Throws `.badRequest` when present but not an `Int64`.
    public func optionalInt(_ name: String) throws -> Int64? {
        try optionalTyped(name, "an integer", \.intValue)
    }

    /// A non-negative integer argument. Throws `.badRequest` otherwise.
    public func uint(_ name: String) throws -> UInt64 {
        try typed(name, "a non-negative integer", \.uintValue)
    }

    /// An optional non-negative integer argument. Throws `.badRequest` when present but not one.
    public func optionalUInt(_ name: String) throws -> UInt64? {
        try optionalTyped(name, "a non-negative integer", \.uintValue)
    }

    /// A number argument: a float of either width, or an integer. Throws `.badRequest` otherwise.
    public func double(_ name: String) throws -> Double {
        try typed(name, "a number", \.doubleValue)
    }

    /// An optional number argument. Throws `.badRequest` when present but not a number.
    public func optionalDouble(_ name: String) throws -> Double? {
        try optionalTyped(name, "a number", \.doubleValue)
    }

    /// A Boolean argument. Throws `.badRequest` when missing, nil or not a bool.
    public func bool(_ name: String) throws -> Bool {
        try typed(name, "a bool", \.boolValue)
    }

    /// An optional Boolean argument. Throws `.badRequest` when present but not a bool.
    public func optionalBool(_ name: String) throws -> Bool? {
        try optionalTyped(name, "a bool", \.boolValue)
    }

    /// A binary argument. Throws `.badRequest` when missing, nil or not binary.
    public func binary(_ name: String) throws -> [UInt8] {
        try typed(name, "binary", \.binaryValue)
    }

    /// An optional binary argument. Throws `.badRequest` when present but not binary.
    public func optionalBinary(_ name: String) throws -> [UInt8]? {
        try optionalTyped(name, "binary", \.binaryValue)
    }

    /// An array argument. Throws `.badRequest` when missing, nil or not an array.
    public func array(_ name: String) throws -> [MessagePackValue] {
        try typed(name, "an array", \.arrayValue)
    }

    /// An optional array argument. Throws `.badRequest` when present but not an array.
    public func optionalArray(_ name: String) throws -> [MessagePackValue]? {
        try optionalTyped(name, "an array", \.arrayValue)
    }

    /// A map argument, as the whole `.map` value (so `value["field"]` works).
    /// Throws `.badRequest` when missing, nil or not a map.
    public func map(_ name: String) throws -> MessagePackValue {
        try typed(name, "a map", { $0.mapValue == nil ? nil : $0 })
    }

    /// An optional map argument. Throws `.badRequest` when present but not a map.
    public func optionalMap(_ name: String) throws -> MessagePackValue? {
        try optionalTyped(name, "a map", { $0.mapValue == nil ? nil : $0 })
    }

    /// An array of strings (e.g. `indexes`, `sort`, `columns`). Throws `.badRequest`
    /// when missing, not an array, or holding a non-string.
    public func strings(_ name: String) throws -> [String] {
        try strings(name, try array(name))
    }

    /// An optional array of strings. Throws `.badRequest` when present but not an array of strings.
    public func optionalStrings(_ name: String) throws -> [String]? {
        guard let elements = try optionalArray(name) else { return nil }
        return try strings(name, elements)
    }

    // MARK: Helpers

    private func strings(_ name: String, _ elements: [MessagePackValue]) throws -> [String] {
        try elements.enumerated().map { index, element in
            guard let string = element.stringValue else {
                throw ResponseError.badRequest(
                    "argument \"\(name)\" must be an array of strings; element \(index) is \(element.typeName)")
            }
            return string
        }
    }

    private func typed<T>(_ name: String, _ expected: String, _ convert: (MessagePackValue) -> T?) throws -> T {
        guard let value = self[argument: name], !value.isNil else { throw missing(name, expected) }
        guard let typed = convert(value) else { throw wrongType(name, expected, value) }
        return typed
    }

    private func optionalTyped<T>(_ name: String, _ expected: String, _ convert: (MessagePackValue) -> T?) throws
        -> T?
    {
        guard let value = self[argument: name], !value.isNil else { return nil }
        guard let typed = convert(value) else { throw wrongType(name, expected, value) }
        return typed
    }

    private func missing(_ name: String, _ expected: String? = nil) -> ResponseError {
        if let expected { return .badRequest("missing argument \"\(name)\" (\(expected)) for \"\(op)\"") }
        return .badRequest("missing argument \"\(name)\" for \"\(op)\"")
    }

    private func wrongType(_ name: String, _ expected: String, _ value: MessagePackValue) -> ResponseError {
        var found = value.typeName
        if case .int(let i) = value, i < 0, expected.hasPrefix("a non-negative") { found = "negative int \(i)" }
        if case .uint(let u) = value, expected == "an integer" { found = "int \(u) (above Int64.max)" }
        return .badRequest("argument \"\(name)\" must be \(expected), got \(found)")
    }
}
