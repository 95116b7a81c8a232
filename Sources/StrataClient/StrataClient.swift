// StrataClient: see DESIGN.md.
