"""`python -m bench`: runs every benchmark that exists and prints its measurements."""

import importlib
import pkgutil
import sys

import bench


def main() -> int:
    names = [module.name for module in pkgutil.iter_modules(bench.__path__) if not module.name.startswith("_")]
    runnable = [name for name in names if hasattr(importlib.import_module(f"bench.{name}"), "main")]
    if not runnable:
        print("No benchmarks are defined yet.")
        return 0
    for name in runnable:
        print(f"== bench.{name}")
        importlib.import_module(f"bench.{name}").main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
