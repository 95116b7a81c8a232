import ArgumentParser
import Foundation
import StrataClient

/// `strata init`: creates the collections and indexes a config file lists on
/// a running server, leaving alone what is already there.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the collections and indexes of a YAML file on a running server (idempotent).",
        discussion: """
            The file lists collections and their indexed fields:

              collections:
                - name: users
                  indexes: [status, age]

            Prints one line per collection and index, `created …` or `exists …`. \
            Exit status 2 for a file that cannot be read or parsed, 1 when the \
            server cannot be reached or refuses a request.
            """
    )

    @Option(help: "The server, HOST:PORT.")
    var server: String

    @Option(help: "The YAML file listing the collections.")
    var config: String

    @Option(help: "The server's token, when it requires one.")
    var token: String?

    func validate() throws {
        guard address != nil else { throw ValidationError("--server must be HOST:PORT, got '\(server)'") }
    }

    /// `--server` split into host and port, or nil when malformed.
    private var address: (host: String, port: Int)? {
        guard let colon = server.lastIndex(of: ":") else { return nil }
        let host = String(server[..<colon])
        guard !host.isEmpty, let port = Int(server[server.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        return (host, port)
    }

    func run() throws {
        let text: String
        do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
            throw CommandFailure(message: "cannot read \(config): \(error.localizedDescription)", exitCode: 2)
        }
        let wanted: InitConfig
        do { wanted = try InitConfig(yaml: text) } catch {
            throw CommandFailure(message: "\(config): \(error.message)", exitCode: 2)
        }
        guard let (host, port) = address else { throw ValidationError("--server must be HOST:PORT") }

        let client: Client
        do { client = try Client.connect(host: host, port: port, timeout: .seconds(30), token: token) } catch {
            throw CommandFailure(message: "cannot connect to \(server): \(error)")
        }
        defer { client.close() }
        var created = 0
        var existing = 0
        do {
            for collection in wanted.collections {
                let (made, kept) = try ensure(collection, on: client)
                created += made
                existing += kept
            }
        } catch {
            throw CommandFailure(message: "\(server): \(error)")
        }
        print("\(created) created, \(existing) already there")
    }

    /// Creates `collection` with its indexes, or the indexes it lacks; prints a
    /// line for each. Returns how many things were created and how many were there.
    private func ensure(_ collection: InitConfig.Collection, on client: Client) throws(ClientError) -> (Int, Int) {
        let name = collection.name
        do {
            try client.createCollection(name, indexes: collection.indexes)
            let indexes = collection.indexes.isEmpty ? "" : " (indexes: \(collection.indexes.joined(separator: ", ")))"
            print("created collection \(name)\(indexes)")
            return (1 + collection.indexes.count, 0)
        } catch  where error.code == .exists {
            print("exists  collection \(name)")
        }
        var created = 0
        var existing = 1
        let present = Set(try client.listIndexes(in: name))
        for field in collection.indexes {
            if present.contains(field) {
                print("exists  index \(name).\(field)")
                existing += 1
                continue
            }
            do {
                try client.createIndex(field, in: name)
                print("created index \(name).\(field)")
                created += 1
            } catch  where error.code == .exists {
                print("exists  index \(name).\(field)")
                existing += 1
            }
        }
        return (created, existing)
    }
}
