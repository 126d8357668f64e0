"""Each Prima process computes on one BLAS thread unless the operator sets another number."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

# A new process that loads Prima (or a benchmark) before numpy and scipy, as every entry point
# does (manage.py, the WSGI application, the Celery worker, the benchmarks), and prints the
# thread counts of the BLAS libraries they brought.
SCRIPT = """
import json
import {first}, numpy, scipy.linalg
from threadpoolctl import threadpool_info
print(json.dumps([library["num_threads"] for library in threadpool_info() if library["user_api"] == "blas"]))
"""


def _blas_threads_of_a_new_process(first: str = "config", **environment) -> list[int]:
    inherited = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    finished = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(first=first)],
        env=inherited | environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(finished.stdout)


@pytest.mark.parametrize("first", ["config", "bench.generate"])
def test_numpy_and_scipy_each_compute_on_one_blas_thread(first):
    assert _blas_threads_of_a_new_process(first) == [1, 1]


def test_the_operator_may_give_blas_more_threads():
    # OpenBLAS takes no more threads than the process may use cores
    cores = len(os.sched_getaffinity(0))
    assert _blas_threads_of_a_new_process(OPENBLAS_NUM_THREADS="2") == [min(2, cores)] * 2
