"""Correlation reports: data and invariants."""
