"""Layout of a 1 m x 1 m square at 1 mm (10^6 candidates) against shapely's own contains_xy.

Run: python benchmarks/bench_layout.py

Both sides are timed in this one run, interleaved, best of several repeats:

* mesocalc.layout(Rectangle("1 m", "1 m"), "1 mm"): reading the inputs, building
  the candidate lattice, the inside test in blocks, and wrapping the result;
* shapely.contains_xy(prepared square, x, y) over the very same 10^6 candidates,
  made beforehand (the inside test alone, the least any layout must do).

The ratio is layout time / contains_xy time: how much mesocalc adds to the
vectorised geometry it cannot avoid. A Python loop per point would be ~1000x.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import shapely

import mesocalc
from mesocalc._geometry.shapes import polygon_of

REPEATS = 7


def _best(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    square = mesocalc.Rectangle("1 m", "1 m")
    poly = polygon_of(square)  # built and prepared once, as layout() finds it cached
    reference = mesocalc.layout(square, "1 mm")
    xy = reference.points.magnitude
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    assert shapely.contains_xy(poly, x, y).all()

    def ours() -> None:
        mesocalc.layout(square, "1 mm")

    def theirs() -> None:
        shapely.contains_xy(poly, x, y)

    ours_t, theirs_t = [], []
    for _ in range(3):  # interleave, so that drift on a shared machine hits both sides
        ours_t.append(_best(ours))
        theirs_t.append(_best(theirs))
    a, b = min(ours_t), min(theirs_t)
    print(f"candidates: {len(reference):,} (1 m x 1 m at 1 mm)")
    print(f"mesocalc.layout        {a * 1e3:8.1f} ms")
    print(f"shapely.contains_xy    {b * 1e3:8.1f} ms")
    print(f"ratio layout / contains_xy: {a / b:.2f}")

    circle = mesocalc.Circle("50 cm")
    cpoly = polygon_of(circle)
    lay = mesocalc.layout(circle, "1 mm", margin="1 cm")
    gx, gy = np.meshgrid(np.arange(-500.0, 500.0), np.arange(-500.0, 500.0))
    gx, gy = gx.ravel(), gy.ravel()
    inner = cpoly.buffer(-10.0)
    shapely.prepare(inner)
    c = _best(lambda: mesocalc.layout(circle, "1 mm", margin="1 cm"))
    d = _best(lambda: shapely.contains_xy(inner, gx, gy))
    print(f"disc r = 50 cm at 1 mm, 1 cm margin: {len(lay):,} points")
    print(f"mesocalc.layout        {c * 1e3:8.1f} ms")
    print(f"shapely.contains_xy    {d * 1e3:8.1f} ms  (on the eroded disc, no exact check)")
    print(f"ratio layout / contains_xy: {c / d:.2f}")


if __name__ == "__main__":
    main()
