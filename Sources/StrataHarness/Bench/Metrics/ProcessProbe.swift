import Foundation

/// CPU time, bytes written and peak memory of a process, read from the kernel.
///
/// The process is this one (`pid == nil`) or a child such as the `strata serve`
/// of a `tcp` run. Figures come from `/proc/<pid>/stat` (utime, stime),
/// `/proc/<pid>/io` (`write_bytes`: bytes the process caused to be sent to
/// storage) and `/proc/<pid>/status` (`VmHWM`: peak resident set). Writing `5`
/// to `/proc/<pid>/clear_refs` resets the peak, so each result gets its own.
struct ProcessProbe: Sendable {
    /// One reading.
    struct Sample: Sendable {
        var cpuUser: Double
        var cpuSystem: Double
        var bytesWritten: UInt64

        static func - (a: Sample, b: Sample) -> Sample {
            Sample(
                cpuUser: a.cpuUser - b.cpuUser, cpuSystem: a.cpuSystem - b.cpuSystem,
                bytesWritten: a.bytesWritten >= b.bytesWritten ? a.bytesWritten - b.bytesWritten : 0)
        }
    }

    /// nil for this process.
    let pid: Int32?

    private var procDirectory: String { pid.map { "/proc/\($0)" } ?? "/proc/self" }

    func sample() -> Sample {
        let (user, system) = cpuTimes()
        return Sample(cpuUser: user, cpuSystem: system, bytesWritten: field("io", "write_bytes:") ?? 0)
    }

    /// The peak resident set since the last ``resetPeak()``, in bytes.
    func peakRSS() -> UInt64 {
        (field("status", "VmHWM:") ?? 0) * 1024
    }

    /// Starts a new peak-RSS measurement (Linux 4.0 and later).
    func resetPeak() {
        let fd = open(procDirectory + "/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = "5".withCString { write(fd, $0, 1) }
        Foundation.close(fd)
    }

    private func cpuTimes() -> (Double, Double) {
        if pid == nil {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
            return (seconds(usage.ru_utime), seconds(usage.ru_stime))
        }
        // /proc/<pid>/stat: "pid (comm) state ..." — utime and stime are fields 14
        // and 15, counted after the closing parenthesis because comm may hold spaces.
        guard let text = read("stat"), let close = text.lastIndex(of: ")") else { return (0, 0) }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return (0, 0) }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user / ticks, system / ticks)
    }

    private func field(_ file: String, _ name: String) -> UInt64? {
        guard let text = read(file) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
            return UInt64(digits)
        }
        return nil
    }

    private func read(_ file: String) -> String? {
        try? String(contentsOfFile: procDirectory + "/" + file, encoding: .utf8)
    }
}

/// Bytes a directory occupies on disk: allocated blocks, so sparse files (an
/// LMDB map) count for what they hold, not their apparent size.
func diskUsage(of path: String) -> UInt64 {
    var total: UInt64 = 0
    var st = stat()
    guard lstat(path, &st) == 0 else { return 0 }
    total += UInt64(st.st_blocks) * 512
    guard (st.st_mode & S_IFMT) == S_IFDIR,
        let names = try? FileManager.default.contentsOfDirectory(atPath: path)
    else { return total }
    for name in names { total += diskUsage(of: path + "/" + name) }
    return total
}
