"""Continuous improvement: data and invariants."""
