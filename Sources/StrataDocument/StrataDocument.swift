// StrataDocument: see DESIGN.md.
