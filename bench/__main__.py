"""Run every `bench/*_bench.py` module's `main()` in name order (or only those named on the command line, with or
without the `_bench` suffix: `python -m bench import dispatch`), each twice: on the machine as it is ("quiet") and
beside a process burning one core ("busy"), then print the figures side by side with their busy/quiet ratio.
`--quiet-only` skips the busy run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.competition import compare, cpu_burner, run_bench


def main(argv: list[str]) -> int:
    quiet_only = "--quiet-only" in argv
    wanted = [name for name in argv if not name.startswith("--")]
    names = [name if name.endswith("_bench") else f"{name}_bench" for name in wanted] or sorted(
        path.stem for path in Path(__file__).parent.glob("*_bench.py")
    )
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} before the first run", flush=True)
    for name in names:
        print(f"== bench.{name}: quiet", flush=True)
        quiet = run_bench(name)
        print(quiet, end="", flush=True)
        if quiet_only:
            continue
        with cpu_burner():
            busy = run_bench(name)
        print(f"== bench.{name}: busy (one core burnt by another process)", flush=True)
        print(busy, end="", flush=True)
        print(f"== bench.{name}: quiet → busy (×busy/quiet)", flush=True)
        print("\n".join(compare(quiet, busy)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
