"""plan_frame over 10^4 rows with 1 % refused by a rule, against the same table without them.

Run: python benchmarks/bench_frame_rows.py

The rows are submental infiltrations given as area strings; 1 % of them are larger than the
session cap of 50 points (KYB) allows, so the pipeline's rules refuse them after the arrays
are read (their values are inside every range: nothing picks them out before). Both tables
are timed in this one run, interleaved, best of several repeats. The ratio is the cost of the
refused rows: the per-row findings name them all in one pass per rule, and plan() plans each
of them alone for its error.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

import mesocalc

ROWS = 10**4
REPEATS = 9


def _table(bad: float) -> tuple[Any, int]:
    rng = np.random.default_rng(12)
    areas = rng.uniform(5.0, 40.0, ROWS)
    wrong = rng.choice(ROWS, int(ROWS * bad), replace=False)
    areas[wrong] = rng.uniform(60.0, 90.0, len(wrong))  # more than the cap's 50 points
    rows = {"technique": "infiltration", "zone": "submental"}
    table = pd.DataFrame({**rows, "area": [f"{a:.1f} cm^2" for a in areas]})
    return table, len(wrong)


def main() -> None:
    tables = [_table(0.0), _table(0.01)]
    for table, refused in tables:
        plans = mesocalc.plan_frame(table, errors="collect")
        assert int(plans["error"].notna().sum()) == refused
    best = [float("inf"), float("inf")]
    for _ in range(REPEATS):
        for i, (table, _) in enumerate(tables):
            start = time.perf_counter()
            mesocalc.plan_frame(table, errors="collect")
            best[i] = min(best[i], time.perf_counter() - start)
    clean, faulty = best
    print(
        f"plan_frame of 10^4 rows: {faulty * 1e3:.1f} ms with 1 % refused by the session cap, "
        f"{clean * 1e3:.1f} ms with none: {faulty / clean:.2f}x"
    )


if __name__ == "__main__":
    main()
