// StrataDB: see DESIGN.md.
