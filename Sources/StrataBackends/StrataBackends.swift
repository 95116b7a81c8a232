// StrataBackends: see DESIGN.md.
