"""The bench runner's side-by-side view: each figure of a quiet run beside the busy run's, with their ratio."""

from __future__ import annotations

import subprocess

from bench.competition import compare, compare_line, cpu_burner


def test_each_figure_is_shown_quiet_then_busy_with_the_ratio():
    quiet = "sqlite 2.00 s, 50,000 rows/s, longest loop stall 10.0 ms, 2 workers"
    busy = "sqlite 4.00 s, 25,000 rows/s, longest loop stall 45.0 ms, 2 workers"
    assert compare_line(quiet, busy) == (
        "sqlite 2.00 → 4.00 (×2.00) s, 50,000 → 25,000 (×0.50) rows/s, "
        "longest loop stall 10.0 → 45.0 (×4.50) ms, 2 workers"
    )


def test_lines_of_another_shape_are_both_printed_and_extra_lines_are_marked():
    assert compare("a 1\nb 2", "a 1 x 3") == ["a 1\n    busy: a 1 x 3", "(only one run) b 2"]


def test_the_burner_spins_while_the_block_runs_and_is_stopped_after():
    with cpu_burner() as burner:
        assert burner.poll() is None
    assert burner.returncode is not None and burner.returncode != 0
    assert isinstance(burner, subprocess.Popen)
