// StrataSpatial: see DESIGN.md.
