"""Run every benchmark: each `bench/<name>_bench.py` module exposing `main() -> None` (add yours beside them).

`python -m bench` runs them all; `python -m bench import` only those whose name contains "import".
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def discover(filters: list[str]) -> list[str]:
    names = sorted(path.stem for path in Path(__file__).parent.glob("*_bench.py"))
    return [name for name in names if not filters or any(f in name for f in filters)]


def main(argv: list[str]) -> int:
    names = discover(argv)
    if not names:
        print(f"No benchmark matches {argv}.", file=sys.stderr)
        return 1
    for name in names:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
