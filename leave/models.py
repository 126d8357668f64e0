"""Leave: data and invariants."""
