import StrataDocument

/// The document suite's query set, after Slate's benchmark: 23 finds and 7
/// distincts over ``DocumentDataset``, plus decoded variants of two finds.
///
/// Embedded, a find returns its result set as raw records (`findRaw`): the
/// records are read and filtered, sorted and limited, and each is held as its
/// stored BSON, with fields decoded when a caller reads them; nothing is
/// skipped that the caller would need to read a result. The `_decoded`
/// variants decode every result to a `Document` (`find`).
enum DocumentQueries {
    static let finds: [(name: String, spec: FindSpec)] = [
        ("scan", FindSpec()),
        ("status_eq", FindSpec(filter: ["status": "active"])),
        ("status_eq_take10", FindSpec(filter: ["status": "active"], take: 10)),
        ("covered_status", FindSpec(filter: ["status": "rejected"], columns: ["status"])),
        ("contacts_range", FindSpec(filter: ["contacts_count": ["$gte": 50, "$lt": 60]])),
        ("and_three", FindSpec(filter: ["status": "active", "contacts_count": ["$gte": 80], "tags": "vip"])),
        ("or_indexed", FindSpec(filter: ["$or": [["status": "rejected"], ["contacts_count": ["$gte": 95]]]])),
        ("sort_name_take20", FindSpec(sort: ["name"], take: 20)),
        ("sort_contacts_desc_take20", FindSpec(sort: ["-contacts_count"], take: 20)),
        ("sort_skip_take", FindSpec(filter: ["status": "active"], sort: ["contacts_count"], skip: 100, take: 20)),
        ("index_sorted_range", FindSpec(filter: ["contacts_count": ["$gte": 10]], sort: ["contacts_count"], take: 50)),
        ("null_last_contacted", FindSpec(filter: ["last_contacted_at": .null])),
        ("notes_exist_take100", FindSpec(filter: ["notes": ["$exists": true]], take: 100)),
        ("notes_missing_take100", FindSpec(filter: ["notes": ["$exists": false]], take: 100)),
        ("projection", FindSpec(filter: ["status": "rejected"], take: 100, columns: ["name", "contacts_count"])),
        ("array_tag", FindSpec(filter: ["tags": "premium"])),
        ("array_in_take100", FindSpec(filter: ["tags": ["$in": ["vip", "trial"]]], take: 100)),
        ("nested_product", FindSpec(filter: ["products.name": "Widget"], take: 100)),
        ("multi_sort", FindSpec(sort: ["status", "-contacts_count"], take: 50)),
        ("multi_sort_filter", FindSpec(filter: ["contacts_count": ["$lt": 20]], sort: ["-status", "name"], take: 50)),
        ("icontains_name", FindSpec(filter: ["name": ["$icontains": "77"]])),
        ("ne_status_gt", FindSpec(filter: ["status": ["$ne": "active"], "contacts_count": ["$gt": 90]])),
        ("nin_not_null", FindSpec(filter: ["contacts_count": ["$nin": [0, 1, 2]], "last_contacted_at": ["$ne": .null]], take: 100)),
        // The two headline queries again, every result decoded to a `Document`.
        ("scan_decoded", FindSpec(decoded: true)),
        ("status_eq_decoded", FindSpec(filter: ["status": "active"], decoded: true)),
    ]

    static let distincts: [(name: String, field: String, filter: Document?)] = [
        ("status", "status", nil),
        ("tags", "tags", nil),
        ("contacts_count", "contacts_count", nil),
        ("product_name", "products.name", nil),
        ("product_category", "products.category", nil),
        ("status_high_contacts", "status", ["contacts_count": ["$gte": 50]]),
        ("tags_active", "tags", ["status": "active"]),
    ]
}
