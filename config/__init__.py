import os

# One BLAS thread per process unless the operator sets another number; it must be set before
# numpy or scipy load OpenBLAS, which reads it once. Prima's processes (web and job workers)
# are its parallelism: OpenBLAS's own threads make none of its small matrices faster, yet spin
# after every call on every core, taking CPU from PostgreSQL and from the other processes
# (docs/BENCHMARKS.md, section 2a).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from config.celery import app as celery_app

__all__ = ("celery_app",)
