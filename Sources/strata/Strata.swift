import ArgumentParser
import Foundation
import StrataBackends
import StrataStore

#if Jemalloc
import CJemalloc
import CJemallocConfig
#endif

@main
struct Strata: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Strata: one Store protocol, several storage engines, measured side by side.",
        subcommands: [
            Backends.self, KV.self, Doc.self, Geo.self, Serve.self, Init.self, Bench.self, Compare.self,
            ReportCommand.self, Stress.self, KVLoad.self, StressChild.self,
        ]
    )

    /// Parses and runs the command; errors become one line on stderr and a
    /// non-zero exit status (help and version requests print as usual).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as StoreError {
            fail(error.message, code: 1)
        } catch let error as CommandFailure {
            fail(error.message, code: error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit { exit(withError: error) }
            let text = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(text, code: code.rawValue)
        }
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        standardError("strata: \(message)\n")
        Foundation.exit(code == 0 ? 1 : code)
    }
}

/// An error a subcommand reports as one line, with its exit status.
struct CommandFailure: Error {
    let message: String
    var exitCode: Int32 = 1
}
