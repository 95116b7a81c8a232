import ArgumentParser
import Foundation
import StrataDB
import StrataDocument
import StrataQuery
import StrataStore

/// `strata doc`: the document database from the command line. Documents go
/// in as relaxed Extended JSON and come out as JSON lines.
struct Doc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc",
        abstract: "Store, query and index documents in a store.",
        subcommands: [
            CreateCollection.self, DropCollection.self, ListCollections.self, Insert.self, Find.self, Count.self,
            Distinct.self, Update.self, Delete.self, CreateIndex.self, DropIndex.self, ListIndexes.self, Explain.self,
        ]
    )

    @OptionGroup var location: StoreLocation

    struct QueryOptions: ParsableArguments {
        @Option(help: "A filter document, e.g. '{\"age\": {\"$gte\": 30}}'.") var filter: String?
        @Option(help: "Sort fields, comma-separated; '-' prefix for descending (age,-score).") var sort: String?
        @Option(help: "Pass over this many matches first.") var skip = 0
        @Option(help: "Return at most this many.") var take: Int?
        @Option(help: "Return only these fields (and _id), comma-separated.") var columns: String?

        func query() throws -> Query {
            try Query(
                filter: try filter.map { try parseDocument($0, what: "filter") }, sort: list(sort), skip: skip,
                take: take,
                columns: columns.map(list))
        }
    }

    struct CreateCollection: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Create collection C, optionally with indexes.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Option(help: "Index this field (repeatable).") var index: [String] = []
        func execute(_ db: Database<some Store>) throws { try db.createCollection(collection, indexes: index) }
    }

    struct DropCollection: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Drop collection C with its records and indexes.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        func execute(_ db: Database<some Store>) throws { try db.dropCollection(collection) }
    }

    struct ListCollections: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Print the collection names, one a line.")
        @ParentCommand var doc: Doc
        func execute(_ db: Database<some Store>) throws { for name in try db.listCollections() { print(name) } }
    }

    struct Insert: DocCommand {
        static let configuration = CommandConfiguration(
            abstract: "Insert documents given as arguments, or as JSON lines on stdin; print their ids.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Argument(help: "Documents as JSON objects.") var documents: [String] = []
        func execute(_ db: Database<some Store>) throws {
            var texts = documents
            if texts.isEmpty {
                while let line = readLine() {
                    if !line.allSatisfy(\.isWhitespace) { texts.append(line) }
                }
            }
            let docs = try texts.map { try parseDocument($0, what: "document") }
            for id in try db.write({ try $0.insert(docs, into: collection) }) {
                print(ExtendedJSON.json(of: id).text())
            }
        }
    }

    struct Find: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Print the matching documents, one JSON line each.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @OptionGroup var options: QueryOptions
        func execute(_ db: Database<some Store>) throws {
            let query = try options.query()
            for d in try db.read({ try $0.find(query, in: collection) }) { print(d.extendedJSON) }
        }
    }

    struct Explain: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Print the plan a find would use.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @OptionGroup var options: QueryOptions
        func execute(_ db: Database<some Store>) throws {
            let query = try options.query()
            print(try db.read { try $0.explain(query, in: collection) }.extendedJSON)
        }
    }

    struct Count: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Print how many documents match.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Option(help: "A filter document.") var filter: String?
        func execute(_ db: Database<some Store>) throws {
            let f = try filter.map { try Filter(parseDocument($0, what: "filter")) } ?? .all
            print(try db.read { try $0.count(f, in: collection) })
        }
    }

    struct Distinct: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Print the distinct values of field F, one a line.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Argument(help: "The field (a dot path).") var field: String
        @Option(help: "A filter document.") var filter: String?
        func execute(_ db: Database<some Store>) throws {
            let f = try filter.map { try Filter(parseDocument($0, what: "filter")) } ?? .all
            for v in try db.read({ try $0.distinct(field, filter: f, in: collection) }) {
                print(ExtendedJSON.json(of: v).text())
            }
        }
    }

    struct Update: DocCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply UPDATE (operators, or a plain document meaning $set) to matching documents.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Argument(help: "The filter document.") var filter: String
        @Argument(help: "The update document.") var update: String
        @Flag(help: "Update every match, not only the first.") var many = false
        @Flag(help: "Insert a document when none matches.") var upsert = false
        func execute(_ db: Database<some Store>) throws {
            let f = try Filter(parseDocument(filter, what: "filter"))
            let u = try StrataQuery.Update(parseDocument(update, what: "update"))
            let r = try db.write { try $0.update(f, u, in: collection, many: many, upsert: upsert) }
            var out: Document = ["matched": .int64(Int64(r.matched)), "modified": .int64(Int64(r.modified))]
            if let id = r.upsertedID { out.append("upserted_id", id) }
            print(out.extendedJSON)
        }
    }

    struct Delete: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Delete matching documents; print how many.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Argument(help: "The filter document.") var filter: String
        @Flag(help: "Delete every match, not only the first.") var many = false
        func execute(_ db: Database<some Store>) throws {
            let f = try Filter(parseDocument(filter, what: "filter"))
            print(try db.write { try $0.delete(f, in: collection, many: many) })
        }
    }

    struct CreateIndex: DocCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index field F, filling it from the existing documents.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Argument(help: "The field (a dot path).") var field: String
        func execute(_ db: Database<some Store>) throws { try db.write { try $0.createIndex(field, in: collection) } }
    }

    struct DropIndex: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Drop the index on field F.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        @Argument(help: "The field.") var field: String
        func execute(_ db: Database<some Store>) throws { try db.write { try $0.dropIndex(field, in: collection) } }
    }

    struct ListIndexes: DocCommand {
        static let configuration = CommandConfiguration(abstract: "Print the indexed fields, one a line.")
        @ParentCommand var doc: Doc
        @Argument(help: "The collection.") var collection: String
        func execute(_ db: Database<some Store>) throws {
            for f in try db.read({ try $0.listIndexes(collection) }) { print(f) }
        }
    }
}

/// A `doc` subcommand: opens the store named by the parent's options, runs
/// over a database in it, and turns every failure into one line.
protocol DocCommand: ParsableCommand {
    var doc: Doc { get }
    func execute(_ db: Database<some Store>) throws
}

extension DocCommand {
    func run() throws {
        let store = try doc.location.open()
        defer { try? store.close() }
        do {
            try open(store)
        } catch let error as CommandFailure {
            throw error
        } catch {
            let e = DatabaseError(mapping: error)
            throw CommandFailure(message: "\(e.code): \(e.message)")
        }
    }

    private func open(_ store: some Store) throws { try execute(try Database(store: store)) }
}

private func parseDocument(_ text: String, what: String) throws -> Document {
    do { return try Document(extendedJSON: text) } catch {
        throw CommandFailure(message: "\(what) is not a JSON object: \(error.message)")
    }
}

private func list(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
