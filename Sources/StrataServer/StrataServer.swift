// StrataServer: see DESIGN.md.
