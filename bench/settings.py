"""Prima's production settings, plus the raw-SQL baseline route of `bench.api` when
PRIMA_BENCH_BASELINE=1. Everything else is `config.settings` as the environment sets it."""

from config.env import envbool, envstr
from config.settings import *  # noqa: F403

if envbool("PRIMA_BENCH_BASELINE", False):
    ROOT_URLCONF = "bench.urls"

# collectstatic for the benchmark's server goes to a directory of its own.
STATIC_ROOT = envstr("PRIMA_BENCH_STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
