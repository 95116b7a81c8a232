// StrataLMDB: see DESIGN.md.
