"""Rewards and bonuses: data and invariants."""
