"""Pulse surveys: data and invariants."""
