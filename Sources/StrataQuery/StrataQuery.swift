// StrataQuery: see DESIGN.md.
