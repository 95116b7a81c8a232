#if Jemalloc
import CJemalloc

/// jemalloc's `stats.allocated` and `stats.resident`, refreshed by advancing
/// its `epoch` first (the statistics are cached until then).
@Sendable func jemallocStats() -> (allocated: UInt64, resident: UInt64) {
    var epoch: UInt64 = 1
    var newEpoch: UInt64 = 1
    var size = MemoryLayout<UInt64>.size
    _ = mallctl("epoch", &epoch, &size, &newEpoch, size)
    func read(_ name: String) -> UInt64 {
        var value: Int = 0
        var length = MemoryLayout<Int>.size
        return mallctl(name, &value, &length, nil, 0) == 0 ? UInt64(value) : 0
    }
    return (read("stats.allocated"), read("stats.resident"))
}
#endif
