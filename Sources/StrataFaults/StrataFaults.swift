// StrataFaults: see DESIGN.md.
