"""Benchmarks and the large-data generator. Scripts that print measurements; never tests."""
