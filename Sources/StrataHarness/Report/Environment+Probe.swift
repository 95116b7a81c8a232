import Foundation

extension Report.Environment {
    /// Reads the machine this process runs on: CPUs and model, memory, OS,
    /// kernel, the Swift that built it, and the git commit of the working tree.
    public static func probe(backends: [String: String]) -> Report.Environment {
        let info = ProcessInfo.processInfo
        var uts = utsname()
        uname(&uts)
        let kernel = withUnsafeBytes(of: uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown"
        let osRelease = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let os =
            osRelease.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { String($0.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            ?? info.operatingSystemVersionString
        return Report.Environment(
            cpus: info.activeProcessorCount,
            cpuModel: model,
            memoryBytes: info.physicalMemory,
            os: os,
            kernel: kernel,
            swift: swiftVersion,
            gitCommit: gitCommit() ?? "unknown",
            backends: backends,
            allocator: allocatorName
        )
    }

    /// The allocator that serves this process's `malloc`: jemalloc when its
    /// `mallctl` is bound (linked by the `Jemalloc` trait or preloaded),
    /// asked for its version; otherwise the C library's.
    static var allocatorName: String {
        typealias MallCtl =
            @convention(c) (
                UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?,
                Int
            ) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl") {
            let mallctl = unsafeBitCast(symbol, to: MallCtl.self)
            var version: UnsafePointer<CChar>?
            var length = MemoryLayout<UnsafePointer<CChar>?>.size
            var name = "jemalloc"
            if mallctl("version", &version, &length, nil, 0) == 0, let version {
                name += " \(String(cString: version).prefix { $0 != "-" })"
            }
            // The one option the `strata` executable sets (CJemallocConfig).
            var tcacheMax = 0
            var size = MemoryLayout<Int>.size
            if mallctl("opt.tcache_max", &tcacheMax, &size, nil, 0) == 0 { name += " (tcache_max \(tcacheMax))" }
            return name
        }
        typealias LibcVersion = @convention(c) () -> UnsafePointer<CChar>
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gnu_get_libc_version") {
            return "glibc \(String(cString: unsafeBitCast(symbol, to: LibcVersion.self)()))"
        }
        return "system malloc"
    }

    /// The compiler version this binary was built with.
    static var swiftVersion: String {
        #if compiler(>=6.3)
            return "6.3+"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }

    static func gitCommit() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
