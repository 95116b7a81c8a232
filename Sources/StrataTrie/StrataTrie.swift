// StrataTrie: see DESIGN.md.
