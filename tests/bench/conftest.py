"""The benchmark scripts at a tiny scale, on the test database (PostgreSQL: they COPY)."""

import pytest

from bench.generate import generate

# 8 departments and 100 employees: enough for every stage, seconds to build.
TINY = 0.002


def quiet(*_args, **_kwargs) -> None:
    pass


@pytest.fixture
def tiny_org():
    """A generated organisation (24 closed rounds, scores, leave, rewards) and what the
    generator reported."""
    return generate(scale=TINY, seed=5, out=quiet)
