// StrataStoreTesting: see DESIGN.md.
