"""Quiet and busy: every benchmark runs twice, alone and beside a process that burns one core, and the two outputs
are printed line by line with each figure's busy/quiet ratio (a server must degrade gracefully when the machine
is busy; issue 16)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")  # 1,354.9 -- bench output only, never user input


@contextmanager
def cpu_burner() -> Iterator[subprocess.Popen[bytes]]:
    """A child process spinning on one core for as long as the block runs; stopped (by its own handle) after."""
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield burner
    finally:
        burner.terminate()
        burner.wait(timeout=10)


def run_bench(name: str) -> str:
    """One benchmark's whole output, run in its own process (so one run's memory and caches do not leak)."""
    code = f"import sys; sys.argv = ['bench.{name}']; import bench.{name} as bench; bench.main()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
    )
    output = result.stdout.decode(errors="replace")
    if result.returncode:
        output += f"\n(exit status {result.returncode})\n"
    return output


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def compare_line(quiet: str, busy: str) -> str:
    """The line with every figure as `quiet → busy (×busy/quiet)`; both lines when they are not the same shape."""
    if _NUMBER.sub("#", quiet) != _NUMBER.sub("#", busy):
        return f"{quiet}\n{'':4}busy: {busy}"
    busy_figures: Iterator[str] = iter(_NUMBER.findall(busy))

    def both(match: re.Match[str]) -> str:
        other = next(busy_figures)
        if match[0] == other:
            return other
        base = _value(match[0])
        ratio = f"×{_value(other) / base:.2f}" if base else "×∞"
        return f"{match[0]} → {other} ({ratio})"

    return str(_NUMBER.sub(both, quiet))


def compare(quiet: str, busy: str) -> list[str]:
    """Line by line; what one run printed beyond the other is shown as it is."""
    quiet_lines, busy_lines = quiet.splitlines(), busy.splitlines()
    lines = [compare_line(q, b) for q, b in zip(quiet_lines, busy_lines, strict=False)]
    extra = quiet_lines[len(busy_lines) :] or busy_lines[len(quiet_lines) :]
    return lines + [f"(only one run) {line}" for line in extra]
