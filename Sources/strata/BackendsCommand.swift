import ArgumentParser
import StrataBackends
import StrataStore

struct Backends: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the storage backends this build has, with their library versions."
    )

    func run() throws {
        let rows = StoreRegistry.standard.descriptors.map { d in
            [d.name, d.version(), describe(d.capabilities), d.summary]
        }
        let header = ["backend", "version", "capabilities", "summary"]
        let widths = (0..<header.count).map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for row in [header] + rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }

    private func describe(_ c: StoreCapabilities) -> String {
        var parts: [String] = []
        if c.contains(.persistent) { parts.append("persistent") }
        if c.contains(.inMemory) { parts.append("in-memory") }
        if c.contains(.zeroCopyReads) { parts.append("zero-copy") }
        if c.contains(.optimisticWrites) { parts.append("optimistic") }
        if c.contains(.nativeDeleteRange) { parts.append("delete-range") }
        if c.contains(.countedPrefixes) { parts.append("counted-prefixes") }
        return parts.joined(separator: ",")
    }
}
