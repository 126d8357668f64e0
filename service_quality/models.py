"""Service quality: data and invariants."""
