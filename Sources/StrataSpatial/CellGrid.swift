/// A Z-order (Morton) curve over an equirectangular latitude/longitude grid.
///
/// Why this curve: the grid cell of a point is two integer divisions, a box
/// maps to a rectangle of cells exactly, and the antimeridian is the grid's
/// left/right edge, so a wrapping query is simply two rectangles. Aligned
/// quadtree squares are contiguous runs of the curve, which keeps a covering
/// to a few key ranges. S2 cube faces would keep cells closer to equal area
/// near the poles, but need a projection per face; this index answers near
/// the poles by covering all longitudes there and filtering exactly, which
/// the row of polar cells makes cheap.
///
/// At level L the grid has 2^L columns (longitude) by 2^L rows (latitude);
/// the cell id interleaves the bits of row and column, column in the even bits:
///
/// ```
///   column x = ⌊(lon + 180) / 360 · 2^L⌋   (180 goes in the last column)
///   row    y = ⌊(lat +  90) / 180 · 2^L⌋   (90 goes in the last row)
///   id       = … y1 x1 y0 x0   (bit 2i = x_i, bit 2i+1 = y_i)
///
///   level 2:          x=0  x=1  x=2  x=3
///            y=3  |  10   11   14   15
///            y=2  |   8    9   12   13
///            y=1  |   2    3    6    7
///            y=0  |   0    1    4    5
/// ```
public struct CellGrid: Sendable, Hashable {
    /// Bits per axis, 1…31.
    public let level: Int
    var side: UInt64 { 1 << UInt64(level) }

    /// The default level, 16: cells of about 0.0055° × 0.0027° (≈ 600 m × 300 m at the equator).
    public init(level: Int = 16) {
        precondition((1...31).contains(level), "cell grid level \(level) is outside 1…31")
        self.level = level
    }

    func column(_ lon: Double) -> UInt64 {
        let x = ((lon + 180) / 360 * Double(side)).rounded(.down)
        return UInt64(min(max(x, 0), Double(side - 1)))
    }

    func row(_ lat: Double) -> UInt64 {
        let y = ((lat + 90) / 180 * Double(side)).rounded(.down)
        return UInt64(min(max(y, 0), Double(side - 1)))
    }

    /// The cell id of a point.
    public func cell(of p: GeoPoint) -> UInt64 {
        Self.interleave(x: column(p.longitude), y: row(p.latitude))
    }

    static func interleave(x: UInt64, y: UInt64) -> UInt64 {
        spread(x) | spread(y) << 1
    }

    /// Spreads the low 32 bits of `v` into the even bits.
    private static func spread(_ v: UInt64) -> UInt64 {
        var v = v & 0xFFFF_FFFF
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F
        v = (v | v << 2) & 0x3333_3333_3333_3333
        v = (v | v << 1) & 0x5555_5555_5555_5555
        return v
    }

    /// Inclusive ranges of cell ids, sorted and merged, whose cells together
    /// cover every point of `box` (which may wrap). Cells partly outside the
    /// box are included, so callers filter exactly. Points on the ±180 seam
    /// are covered on both sides.
    func covering(_ box: BoundingBox) -> [ClosedRange<UInt64>] {
        var ranges: [ClosedRange<UInt64>] = []
        for part in box.searchParts {
            let rect = (
                x0: column(part.minLongitude), x1: column(part.maxLongitude),
                y0: row(part.minLatitude), y1: row(part.maxLatitude)
            )
            // Stop splitting at squares about a quarter of the query's larger side:
            // the covering stays at a few dozen ranges whatever the query size.
            let extent = max(rect.x1 - rect.x0, rect.y1 - rect.y0) + 1
            var minSide: UInt64 = 1
            while minSide * 8 <= extent { minSide <<= 1 }
            cover(x: 0, y: 0, size: side, rect: rect, minSide: minSide, into: &ranges)
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt64>] = []
        for r in ranges {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    private func cover(
        x: UInt64, y: UInt64, size: UInt64,
        rect: (x0: UInt64, x1: UInt64, y0: UInt64, y1: UInt64),
        minSide: UInt64, into out: inout [ClosedRange<UInt64>]
    ) {
        let xe = x + size - 1
        let ye = y + size - 1
        guard x <= rect.x1, xe >= rect.x0, y <= rect.y1, ye >= rect.y0 else { return }
        let inside = x >= rect.x0 && xe <= rect.x1 && y >= rect.y0 && ye <= rect.y1
        if inside || size <= minSide {
            out.append(Self.interleave(x: x, y: y)...Self.interleave(x: xe, y: ye))
            return
        }
        let h = size / 2
        cover(x: x, y: y, size: h, rect: rect, minSide: minSide, into: &out)
        cover(x: x + h, y: y, size: h, rect: rect, minSide: minSide, into: &out)
        cover(x: x, y: y + h, size: h, rect: rect, minSide: minSide, into: &out)
        cover(x: x + h, y: y + h, size: h, rect: rect, minSide: minSide, into: &out)
    }
}
