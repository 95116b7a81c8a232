import Testing

@testable import StrataSpatial

/// The exact answers, by scanning every object.
struct BruteForce {
    var objects: [String: GeoPoint] = [:]

    func box(_ box: BoundingBox) -> [String] {
        objects.filter { box.contains($0.value) }.map(\.key).sorted()
    }

    func ranked(from center: GeoPoint) -> [SpatialHit] {
        objects.map { SpatialHit(id: $0.key, point: $0.value, distanceMeters: Haversine.distance(center, $0.value)) }
            .sorted(by: SpatialHit.precedes)
    }
}

@Suite("RStarTree")
struct RStarTreeTests {
    static func randomBox(_ rng: inout SplitMix64) -> BoundingBox {
        let a = rng.point()
        let b = rng.point(near: a, spreadDegrees: [0.001, 0.5, 10, 90].randomElement(using: &rng)!)
        var minLon = a.longitude
        var maxLon = b.longitude
        if Bool.random(using: &rng) { swap(&minLon, &maxLon) }  // may wrap
        return try! BoundingBox(
            minLatitude: min(a.latitude, b.latitude), minLongitude: minLon,
            maxLatitude: max(a.latitude, b.latitude), maxLongitude: maxLon)
    }

    static func check(_ tree: RStarTree, against model: BruteForce, queries: Int, rng: inout SplitMix64, seed: UInt64)
        throws
    {
        // The buffer-filling forms must answer the same, whatever the buffer held before.
        var buffer = [SpatialHit(id: "stale", point: try GeoPoint(latitude: 1, longitude: 2), distanceMeters: 3)]
        for _ in 0..<queries {
            let box = randomBox(&rng)
            let got = tree.search(in: box).map(\.id).sorted()
            let want = model.box(box)
            #expect(got == want, "seed \(seed): box \(box): \(got.count) ids, expected \(want.count)")
            if got != want { return }

            let center =
                Bool.random(using: &rng)
                ? rng.point() : (model.objects.values.randomElement(using: &rng) ?? rng.point())
            let ranked = model.ranked(from: center)
            let radius = rng.radius()
            let limit = [1, 10, 100, Int.max].randomElement(using: &rng)!
            let near = try tree.search(near: center, radiusMeters: radius, limit: limit)
            let wantNear = Array(ranked.filter { $0.distanceMeters <= radius }.prefix(limit))
            #expect(
                near == wantNear,
                "seed \(seed): radius \(radius) m around \(center) limit \(limit): \(near.count) hits, expected \(wantNear.count); first difference \(zip(near, wantNear).first { $0.0 != $0.1 }.map { "\($0)" } ?? "-")"
            )
            if near != wantNear { return }
            try tree.search(near: center, radiusMeters: radius, limit: limit, into: &buffer)
            #expect(buffer == near, "seed \(seed): radius into a buffer differs")

            let k = [1, 2, 10, 50].randomElement(using: &rng)!
            let knn = try tree.nearest(to: center, k: k)
            let wantKnn = Array(ranked.prefix(k))
            #expect(
                knn == wantKnn,
                "seed \(seed): \(k) nearest to \(center): \(knn.map(\.id)) expected \(wantKnn.map(\.id))")
            if knn != wantKnn { return }
            try tree.nearest(to: center, k: k, into: &buffer)
            #expect(buffer == knn, "seed \(seed): nearest into a buffer differs")
        }
    }

    /// Seeds 5 and 6 build the tree with the fast insertion policy.
    @Test("differential against brute force, incremental inserts", arguments: [1 as UInt64, 2, 3, 4, 5, 6])
    func differentialIncremental(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let tree = RStarTree(maxEntries: [4, 8, 16, 32][Int(seed) % 4], insertionPolicy: seed >= 5 ? .fast : .rstar)
        var model = BruteForce()
        for i in 0..<3_000 {
            let p = rng.point()
            try tree.insert(id: "o\(i)", point: p)
            model.objects["o\(i)"] = p
        }
        #expect(tree.invariantViolations() == [], "seed \(seed)")
        try Self.check(tree, against: model, queries: 300, rng: &rng, seed: seed)
    }

    @Test("differential against brute force, bulk loaded", arguments: [11 as UInt64, 12, 13])
    func differentialBulk(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var model = BruteForce()
        var entries: [SpatialEntry] = []
        for i in 0..<5_000 {
            var p = rng.point()
            if seed == 13 && i % 4 == 0 {  // some altitudes, which hits must read from the slot
                p = try GeoPoint(latitude: p.latitude, longitude: p.longitude, altitude: Double(i))
            }
            entries.append(SpatialEntry(id: "o\(i)", point: p))
            model.objects["o\(i)"] = p
        }
        let tree = try RStarTree(bulkLoading: entries, maxEntries: [8, 16, 32][Int(seed) % 3])
        #expect(tree.invariantViolations() == [], "seed \(seed)")
        try Self.check(tree, against: model, queries: 300, rng: &rng, seed: seed)
    }

    /// Pool arrays of 2 MiB or more are memory mappings that grow with
    /// `mremap` and, once freed, are kept for the next tree (see
    /// `PoolMemory`): a tree that passes that size, grown one insertion at a
    /// time, must keep every node and answer as before, and so must a second
    /// tree built on the first one's reused mappings.
    @Test("trees whose pool arrays outgrow 2 MiB keep their contents across growth and reuse")
    func largePoolKeepsItsContents() throws {
        let seed: UInt64 = 31
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2 {
            let tree = RStarTree(maxEntries: 4, insertionPolicy: .fast)
            var model = BruteForce()
            for i in 0..<50_000 {
                let p = rng.point()
                try tree.insert(id: "o\(i)", point: p)
                model.objects["o\(i)"] = p
            }
            // The node blocks (stride 5 × 32 bytes) were a mapping of 2 MiB or
            // more before their last growth, so that growth went through mremap.
            #expect(tree.pool.capacity / 2 * tree.pool.stride * 32 >= PoolMemory.hugePage)
            #expect(tree.invariantViolations() == [])
            try Self.check(tree, against: model, queries: 10, rng: &rng, seed: seed)
            for i in stride(from: 0, to: 50_000, by: 2) { #expect(tree.remove(id: "o\(i)")) }
            model.objects = model.objects.filter { Int($0.key.dropFirst())! % 2 == 1 }
            #expect(tree.invariantViolations() == [])
            try Self.check(tree, against: model, queries: 10, rng: &rng, seed: seed)
        }
    }

    /// `nearest` walks a radius guessed from the density around the query,
    /// then twice that radius, then falls back to best-first; `search(near:)`
    /// with a limit walks the radius when the density says it holds few
    /// points, else runs best-first. Dense regions on the antimeridian, near
    /// a pole and elsewhere, queries inside them and outside, every way
    /// taken (`searchPaths`), every answer checked by brute force.
    @Test(
        "k nearest and limited radius searches, walked or best-first, match brute force",
        arguments: [31 as UInt64, 32])
    func nearestThroughAGuessedRadius(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let regions = [
            try GeoPoint(latitude: 0.5, longitude: 179.999), try GeoPoint(latitude: 89.95, longitude: 10),
            try GeoPoint(latitude: -33.9, longitude: 151.2), try GeoPoint(latitude: 0, longitude: 0),
        ]
        let spreads = [0.01, 0.04, 1, 5]
        var model = BruteForce()
        var entries: [SpatialEntry] = []
        for i in 0..<4_000 {
            let p = rng.point(near: regions[i % 4], spreadDegrees: spreads[i % 4])
            entries.append(SpatialEntry(id: "o\(i)", point: p))
            model.objects["o\(i)"] = p
        }
        let tree: RStarTree
        if seed == 31 {
            tree = try RStarTree(bulkLoading: entries)
        } else {
            tree = RStarTree(maxEntries: 16)
            for e in entries { try tree.insert(id: e.id, point: e.point) }
        }
        #expect(tree.invariantViolations() == [])
        for q in 0..<400 {
            let center = q % 10 == 9 ? rng.point() : rng.point(near: regions[q % 4], spreadDegrees: spreads[q % 4])
            let k = [1, 5, 10, 40][(q / 4) % 4]
            let ranked = model.ranked(from: center)
            let knn = try tree.nearest(to: center, k: k)
            let want = Array(ranked.prefix(k))
            #expect(knn == want, "seed \(seed): \(k) nearest to \(center): \(knn.map(\.id)) expected \(want.map(\.id))")
            if knn != want { return }
            let radius = [10.0, 200, 5_000, 100_000, 3_000_000][q % 5]
            let near = try tree.search(near: center, radiusMeters: radius, limit: k)
            let wantNear = Array(ranked.filter { $0.distanceMeters <= radius }.prefix(k))
            #expect(
                near == wantNear,
                "seed \(seed): \(radius) m around \(center), limit \(k): \(near.map(\.id)) expected \(wantNear.map(\.id))"
            )
            if near != wantNear { return }
        }
        let paths = tree.searchPaths
        #expect(paths.nearestFirstWalk >= 150, "seed \(seed): \(paths)")
        #expect(paths.nearestSecondWalk + paths.nearestBestFirst >= 1, "seed \(seed): \(paths)")
        #expect(paths.nearestBestFirst >= 1, "seed \(seed): \(paths)")
        #expect(paths.radiusWalks >= 100 && paths.limitedBestFirst >= 50, "seed \(seed): \(paths)")
        #expect(paths.rankedSorts >= 100, "seed \(seed): \(paths)")
    }

    @Test("clustered points: many duplicates and ties")
    func duplicatesAndTies() throws {
        let seed: UInt64 = 21
        var rng = SplitMix64(seed: seed)
        let tree = RStarTree(maxEntries: 8)
        var model = BruteForce()
        let spots = (0..<20).map { _ in rng.point() }
        for i in 0..<2_000 {
            let p = spots.randomElement(using: &rng)!
            try tree.insert(id: "o\(i)", point: p)
            model.objects["o\(i)"] = p
        }
        #expect(tree.invariantViolations() == [])
        try Self.check(tree, against: model, queries: 200, rng: &rng, seed: seed)
    }

    /// `rankFront` on every size it takes (0 to 32 hits, fronts of 1 to 40):
    /// with distinct distances its front is the sorted front; with an equal
    /// pair inside the front it declines and leaves the hits as they were.
    @Test("ranking the front of up to 32 hits")
    func rankingTheFront() {
        var rng = SplitMix64(seed: 61)
        for m in 0...32 {
            for n in [1, 2, 5, 10, 31, 32, 40] {
                var hits = (0..<m).map { i in
                    SlotHit(
                        distance: Double.random(in: 0..<1_000, using: &rng), term: 0, slot: Int32(i), longitude: 0,
                        latitude: 0)
                }
                let sorted = hits.sorted { $0.distance < $1.distance }.prefix(n).map(\.slot)
                let ranked = hits.withUnsafeMutableBufferPointer { RStarTree.rankFront($0, n) }
                #expect(ranked, "m \(m) n \(n)")
                #expect(hits.prefix(min(n, m)).map(\.slot) == Array(sorted), "m \(m) n \(n)")
                guard m >= 2 else { continue }
                let order = hits.sorted { $0.distance < $1.distance }
                hits = order.shuffled(using: &rng)
                // The two nearest made equal: a tie inside every front.
                let tied = hits.firstIndex { $0.slot == order[1].slot }!
                hits[tied].distance = order[0].distance
                let before = hits.map(\.slot)
                #expect(!hits.withUnsafeMutableBufferPointer { RStarTree.rankFront($0, n) }, "m \(m) n \(n)")
                #expect(hits.map(\.slot) == before)
            }
        }
    }

    /// Short answers (up to 32 hits, ordered by rank) with equal distances:
    /// a lattice of 1/64° steps, so that points east and west of a query on
    /// the lattice are at exactly the same computed distance, and ids that
    /// do not follow the lattice. Both ways of ordering a walk's hits run.
    @Test("short answers with equal distances come in id order")
    func equalDistancesInShortAnswers() throws {
        var rng = SplitMix64(seed: 41)
        var model = BruteForce()
        var entries: [SpatialEntry] = []
        let order = (0..<400).shuffled(using: &rng)
        for (n, cell) in order.enumerated() {
            let p = try GeoPoint(
                latitude: 10 + Double(cell / 20) / 64, longitude: 20 + Double(cell % 20) / 64)
            entries.append(SpatialEntry(id: "p\(n)", point: p))
            model.objects["p\(n)"] = p
        }
        let tree = try RStarTree(bulkLoading: entries)
        for q in 0..<300 {
            let half = q % 2 == 0 ? 0 : 0.5  // on the lattice, or amid four of its points
            let center = try GeoPoint(
                latitude: 10 + (Double(Int.random(in: 2..<18, using: &rng)) + half) / 64,
                longitude: 20 + (Double(Int.random(in: 2..<18, using: &rng)) + half) / 64)
            let ranked = model.ranked(from: center)
            let radius = [1_000.0, 2_000, 3_000, 4_000, 5_000][q % 5]
            let k = [1, 2, 3, 4, 5, 9, 10][q % 7]
            for limit in [k, Int.max] {
                let near = try tree.search(near: center, radiusMeters: radius, limit: limit)
                let want = Array(ranked.filter { $0.distanceMeters <= radius }.prefix(limit))
                #expect(
                    near == want,
                    "\(radius) m around \(center), limit \(limit): \(near.map(\.id)) expected \(want.map(\.id))")
                if near != want { return }
            }
            let knn = try tree.nearest(to: center, k: k)
            #expect(knn == Array(ranked.prefix(k)), "\(k) nearest to \(center): \(knn.map(\.id))")
        }
        let paths = tree.searchPaths
        #expect(paths.rankedSorts >= 50 && paths.tieSorts >= 50, "\(paths)")
    }

    /// Seeds 105 and 106 use the fast insertion policy.
    @Test(
        "model-based insert/move/remove, invariants after every mutation",
        arguments: [101 as UInt64, 102, 103, 104, 105, 106])
    func modelBased(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let tree = RStarTree(maxEntries: seed % 2 == 0 ? 4 : 12, insertionPolicy: seed >= 105 ? .fast : .rstar)
        var model = BruteForce()
        // Seeds 103 and 104 give a third of the positions an altitude, which
        // the leaves do not keep: hits must then read it from the slot.
        func altitude(_ p: GeoPoint) -> GeoPoint {
            guard seed >= 103, Int.random(in: 0..<3, using: &rng) == 0 else { return p }
            let altitude = Double.random(in: -10...100, using: &rng)
            return try! GeoPoint(latitude: p.latitude, longitude: p.longitude, altitude: altitude)
        }
        for step in 0..<3_000 {
            let id = "o\(Int.random(in: 0..<400, using: &rng))"
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                let p = altitude(rng.point())
                if model.objects[id] == nil {
                    try tree.insert(id: id, point: p)
                    model.objects[id] = p
                } else {
                    #expect(throws: SpatialError.self) { try tree.insert(id: id, point: p) }
                }
            case 4..<7:
                let p = altitude(
                    Bool.random(using: &rng)
                        ? rng.point() : rng.point(near: model.objects[id] ?? rng.point(), spreadDegrees: 0.01))
                tree.move(id: id, to: p)
                model.objects[id] = p
            default:
                let removed = tree.remove(id: id)
                #expect(removed == (model.objects.removeValue(forKey: id) != nil), "seed \(seed) step \(step)")
            }
            let problems = tree.invariantViolations()
            #expect(problems.isEmpty, "seed \(seed) step \(step): \(problems.prefix(5))")
            #expect(tree.count == model.objects.count, "seed \(seed) step \(step)")
            if !problems.isEmpty { return }
            if step % 100 == 0 {
                for (id, p) in model.objects { #expect(tree.point(for: id) == p, "seed \(seed) step \(step) \(id)") }
                try Self.check(tree, against: model, queries: 5, rng: &rng, seed: seed)
            }
        }
        // Drain to empty.
        for id in model.objects.keys.sorted() {
            #expect(tree.remove(id: id))
            #expect(tree.invariantViolations() == [])
        }
        #expect(tree.count == 0 && tree.height == 1)
    }

    @Test("bulk load of every small size gives a sound tree", arguments: [4, 5, 16])
    func bulkLoadSizes(maxEntries: Int) throws {
        var rng = SplitMix64(seed: 5)
        for n in 0..<300 {
            let entries = (0..<n).map { SpatialEntry(id: "o\($0)", point: rng.point()) }
            let tree = try RStarTree(bulkLoading: entries, maxEntries: maxEntries)
            #expect(tree.invariantViolations() == [], "n = \(n), M = \(maxEntries)")
            #expect(tree.count == n)
        }
    }

    /// The bulk load's bucket sort must give exactly the order of a
    /// comparison sort on (key, other key, index), on spread, clustered,
    /// tied and tiny inputs; a wrong order would still build a sound tree,
    /// only a worse one, so the invariant checks cannot see it.
    @Test("tile sort orders items as the comparison sort does", arguments: [false, true])
    func tileSortMatchesComparisonSort(byY: Bool) {
        var rng = SplitMix64(seed: 41)
        for n in [0, 1, 2, 31, 32, 33, 100, 1_000, 20_000] {
            for shape in 0..<4 {
                var items: [RStarTree.TileItem] = (0..<n).map { i in
                    let (x, y): (Double, Double)
                    switch shape {
                    case 0: (x, y) = (rng.point().longitude, rng.point().latitude)
                    case 1: (x, y) = (Double(rng.next() % 7), Double(rng.next() % 5))  // many ties
                    case 2: (x, y) = (1e-9 * Double(rng.next() % 1000), 3)  // one tight cluster
                    default: (x, y) = (i % 50 == 0 ? 1e12 : Double(i % 3), -Double(i))  // outliers
                    }
                    return RStarTree.TileItem(x: x, y: y, index: Int32(i))
                }
                items.shuffle(using: &rng)
                let expected = items.sorted { TileSort.precedes($0, $1, byY: byY) }
                items.withUnsafeMutableBufferPointer { TileSort.sort($0, byY: byY) }
                let wrong = items.indices.first { items[$0].index != expected[$0].index }
                #expect(wrong == nil, "n = \(n), shape \(shape), byY \(byY): first wrong position")
            }
        }
    }

    @Test func bulkLoadRejectsDuplicateIDsAndKeepsTheTree() throws {
        let tree = RStarTree()
        try tree.insert(id: "keep", point: GeoPoint(latitude: 1, longitude: 1))
        let p = try GeoPoint(latitude: 0, longitude: 0)
        do {
            try tree.bulkLoad([SpatialEntry(id: "x", point: p), SpatialEntry(id: "x", point: p)])
            Issue.record("duplicate ids accepted")
        } catch {
            #expect(error.code == .duplicateID && error.message.contains("\"x\""))
        }
        #expect(tree.count == 1 && tree.point(for: "keep") != nil)
    }

    /// The invariant checker must notice each kind of damage.
    @Test(arguments: [
        "loose rectangle", "wrong count", "stale id map", "orphan parent link", "lost node", "wrong leaf",
        "altitude count", "stale cosine", "moved leaf point",
    ])
    func invariantCheckerCatchesDamage(damage: String) throws {
        var rng = SplitMix64(seed: 9)
        let tree = RStarTree(maxEntries: 4)
        for i in 0..<200 { try tree.insert(id: "o\(i)", point: rng.point()) }
        #expect(tree.invariantViolations() == [])
        switch damage {
        case "loose rectangle": tree.pool.boxes(tree.root)[0] -= 1
        case "wrong count": tree.count += 1
        case "stale id map": tree.slotOf["ghost"] = 0
        case "orphan parent link": tree.pool.setParent(tree.pool.ref(tree.root, 0), -1)
        case "lost node": _ = tree.pool.allocate(level: 0)
        case "altitude count": tree.altitudeCount += 1
        case "stale cosine", "moved leaf point":
            var leaf = tree.root
            while tree.pool.level(leaf) > 0 { leaf = tree.pool.ref(leaf, 0) }
            if damage == "stale cosine" {
                tree.pool.leafCosines(leaf)[0] = tree.pool.leafCosines(leaf)[0].nextUp
            } else {
                tree.pool.boxes(leaf)[1] += 1e-9
            }
        default: tree.leafOfSlot[0] = tree.root
        }
        #expect(!tree.invariantViolations().isEmpty, "\(damage) went unnoticed")
    }
}
