"""Benchmarks and the large-data generator. Scripts that print measurements; never tests."""

# Before any benchmark loads numpy: Prima's one BLAS thread per process (config/__init__.py)
# holds for what the benchmarks measure too.
import config  # noqa: F401
