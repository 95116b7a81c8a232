// swift-tools-version: 6.1
//
// Strata's package-benchmark targets live in their own package (as swift-nio
// keeps its benchmarks) so that building or depending on Strata never builds
// package-benchmark. Run with `make bench` or `swift package benchmark` here.
import PackageDescription

let package = Package(
    name: "StrataBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Strata", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StrataBackends", package: "Strata"),
                .product(name: "StrataStore", package: "Strata"),
            ],
            path: "StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SpatialBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StrataBackends", package: "Strata"),
                .product(name: "StrataSpatial", package: "Strata"),
                .product(name: "StrataStore", package: "Strata"),
                .product(name: "StrataStoreTesting", package: "Strata"),
            ],
            path: "SpatialBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DocumentBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StrataBackends", package: "Strata"),
                .product(name: "StrataStore", package: "Strata"),
                .product(name: "StrataStoreTesting", package: "Strata"),
                .product(name: "StrataDocument", package: "Strata"),
                .product(name: "StrataQuery", package: "Strata"),
                .product(name: "StrataDB", package: "Strata"),
                "SlateRecords",
            ],
            path: "DocumentBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SpatialProbe",
            dependencies: [
                .product(name: "StrataBackends", package: "Strata"),
                .product(name: "StrataSpatial", package: "Strata"),
                .product(name: "StrataStore", package: "Strata"),
                .product(name: "StrataStoreTesting", package: "Strata"),
            ],
            path: "SpatialProbe"
        ),
        .executableTarget(
            name: "DocumentProbe",
            dependencies: [
                .product(name: "StrataBackends", package: "Strata"),
                .product(name: "StrataDB", package: "Strata"),
                .product(name: "StrataDocument", package: "Strata"),
                .product(name: "StrataQuery", package: "Strata"),
                .product(name: "StrataStore", package: "Strata"),
                .product(name: "StrataStoreTesting", package: "Strata"),
                "SlateRecords",
            ],
            path: "DocumentProbe"
        ),
        .target(
            name: "SlateRecords",
            dependencies: [
                .product(name: "StrataDocument", package: "Strata"),
                .product(name: "StrataStoreTesting", package: "Strata"),
            ],
            path: "SlateRecords"
        ),
        .executableTarget(
            name: "ReferenceWorkload",
            dependencies: [
                .product(name: "StrataBackends", package: "Strata"),
                .product(name: "StrataLMDB", package: "Strata"),
                .product(name: "StrataRocksDB", package: "Strata"),
                .product(name: "StrataStore", package: "Strata"),
                .product(name: "StrataStoreTesting", package: "Strata"),
                .product(name: "StrataTrie", package: "Strata"),
            ],
            path: "ReferenceWorkload"
        ),
    ],
    swiftLanguageModes: [.v6]
)
