// StrataRocksDB: see DESIGN.md.
