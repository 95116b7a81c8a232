// StrataWire: see DESIGN.md.
