"""Run every `bench/*_bench.py` module's `main()` in name order (or only those named on the command line,
with or without the `_bench` suffix: `python -m bench import dispatch`)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = [name if name.endswith("_bench") else f"{name}_bench" for name in argv] or sorted(
        path.stem for path in Path(__file__).parent.glob("*_bench.py")
    )
    for name in names:
        print(f"== bench.{name}", flush=True)
        sys.argv = [f"bench.{name}"]  # a bench with its own options runs on its defaults here
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
