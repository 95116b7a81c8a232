// swift-tools-version: 6.1
//
// Strata: a storage engine whose storage layer is a plugin, and the harness that
// measures it. See README.md for the layer diagram; dependencies point down only.
import PackageDescription

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "StrataStore", targets: ["StrataStore"]),
        .library(name: "StrataStoreTesting", targets: ["StrataStoreTesting"]),
        .library(name: "StrataBackends", targets: ["StrataBackends"]),
        .library(name: "StrataFaults", targets: ["StrataFaults"]),
        .library(name: "StrataTrie", targets: ["StrataTrie"]),
        .library(name: "StrataRocksDB", targets: ["StrataRocksDB"]),
        .library(name: "StrataLMDB", targets: ["StrataLMDB"]),
        .library(name: "StrataDocument", targets: ["StrataDocument"]),
        .library(name: "StrataSpatial", targets: ["StrataSpatial"]),
        .library(name: "StrataWire", targets: ["StrataWire"]),
        .library(name: "StrataQuery", targets: ["StrataQuery"]),
        .library(name: "StrataDB", targets: ["StrataDB"]),
        .library(name: "StrataServer", targets: ["StrataServer"]),
        .library(name: "StrataClient", targets: ["StrataClient"]),
        .library(name: "StrataHarness", targets: ["StrataHarness"]),
        .executable(name: "strata", targets: ["strata"]),
    ],
    traits: [
        .trait(name: "RocksDB", description: "The RocksDB backend (needs librocksdb-dev)."),
        .trait(name: "LMDB", description: "The LMDB backend (needs liblmdb-dev)."),
        .trait(
            name: "Jemalloc",
            description: "Link jemalloc as the `strata` executable's allocator (needs libjemalloc-dev); the libraries never link it."
        ),
        .default(enabledTraits: ["RocksDB", "LMDB", "Jemalloc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // The plugin seam: no dependencies beyond the standard library.
        .target(name: "StrataStore"),
        .target(name: "StrataStoreTesting", dependencies: ["StrataStore"]),

        // System libraries, one module map each.
        .systemLibrary(name: "CRocksDB", pkgConfig: "rocksdb", providers: [.apt(["librocksdb-dev"])]),
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CJemalloc", pkgConfig: "jemalloc", providers: [.apt(["libjemalloc-dev"])]),

        // Backends. Each conforms to `Store`; none imports another.
        .target(
            name: "StrataRocksDB",
            dependencies: ["StrataStore", .target(name: "CRocksDB", condition: .when(traits: ["RocksDB"]))]
        ),
        .target(
            name: "StrataLMDB",
            dependencies: ["StrataStore", .target(name: "CLMDB", condition: .when(traits: ["LMDB"]))]
        ),
        // A cache prefetch hint for the trie's scans (`__builtin_prefetch`).
        .target(name: "CStrataPrefetch"),
        .target(name: "CJemallocConfig"),
        .target(name: "StrataTrie", dependencies: ["StrataStore", "CStrataPrefetch"]),
        .target(name: "StrataFaults", dependencies: ["StrataStore"]),

        // The registry: the one place (with the CLI) that knows every backend.
        .target(
            name: "StrataBackends",
            dependencies: ["StrataStore", "StrataRocksDB", "StrataLMDB", "StrataTrie", "StrataFaults"]
        ),

        // Layers above the seam.
        .target(name: "StrataDocument"),
        .target(name: "StrataQuery", dependencies: ["StrataDocument"]),
        .target(name: "StrataDB", dependencies: ["StrataStore", "StrataDocument", "StrataQuery"]),
        .target(name: "StrataSpatial", dependencies: ["StrataStore", "CStrataPrefetch"]),
        .target(name: "StrataWire"),
        // How documents travel as MessagePack: the one table the server and the client share.
        .target(name: "StrataWireDocument", dependencies: ["StrataWire", "StrataDocument"]),
        .target(
            name: "StrataServer",
            dependencies: [
                "StrataStore", "StrataWire", "StrataWireDocument", "StrataDocument", "StrataDB", "StrataSpatial",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StrataHTTP",
            dependencies: [
                "StrataStore", "StrataDB", "StrataDocument", "StrataQuery", "StrataSpatial",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StrataClient",
            dependencies: [
                "StrataWire", "StrataWireDocument", "StrataDocument",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // The harness: workloads, stress and race checks, reports.
        .target(
            name: "StrataHarness",
            dependencies: [
                "StrataStore", "StrataFaults", "StrataBackends", "StrataDocument", "StrataQuery", "StrataDB",
                "StrataSpatial", "StrataWire", "StrataWireDocument", "StrataClient",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataBackends",
                "StrataHarness",
                "StrataDB",
                "StrataSpatial",
                "StrataServer",
                "StrataHTTP",
                "StrataClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .target(name: "CJemalloc", condition: .when(traits: ["Jemalloc"])),
                .target(name: "CJemallocConfig", condition: .when(traits: ["Jemalloc"])),
            ]
        ),

        .testTarget(name: "StrataStoreTests", dependencies: ["StrataStore", "StrataStoreTesting"]),
        .testTarget(name: "StrataTrieTests", dependencies: ["StrataTrie", "StrataStoreTesting"]),
        .testTarget(name: "StrataRocksDBTests", dependencies: ["StrataRocksDB", "StrataStoreTesting"]),
        .testTarget(name: "StrataLMDBTests", dependencies: ["StrataLMDB", "StrataStoreTesting"]),
        .testTarget(name: "StrataFaultsTests", dependencies: ["StrataFaults", "StrataTrie", "StrataStoreTesting"]),
        .testTarget(name: "StrataDocumentTests", dependencies: ["StrataDocument"]),
        .testTarget(name: "StrataSpatialTests", dependencies: ["StrataSpatial", "StrataBackends", "StrataStoreTesting"]),
        .testTarget(name: "StrataWireTests", dependencies: ["StrataWire"], exclude: ["Fixtures"]),
        .testTarget(name: "StrataQueryTests", dependencies: ["StrataQuery"]),
        .testTarget(name: "StrataDBTests", dependencies: ["StrataDB", "StrataBackends", "StrataStoreTesting"]),
        .testTarget(name: "StrataServerTests", dependencies: ["StrataServer", "StrataClient", "StrataWireDocument", "StrataBackends", "StrataStoreTesting"]),
        .testTarget(
            name: "StrataHTTPTests",
            dependencies: [
                "StrataHTTP", "StrataBackends", "StrataStoreTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "StrataHarnessTests", dependencies: ["StrataHarness", "StrataStoreTesting", "StrataBackends"]),
    ],
    swiftLanguageModes: [.v6]
)
