"""The search for a spacing whose layout on a shape holds a number of points.

A layout's count on a real outline jumps, and not always downwards, as the spacing
grows, so some counts no spacing gives. The search finds where the count crosses the
number asked, then samples the spacings within a quarter of it either way: the count
sampled nearest wins (the larger on a tie), and the spacing is the middle of its widest
run, far from the jumps, so that the layout drawn again from it (a stored plan read
back) keeps its count. It knows nothing of shapes: it is given the count at a spacing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from mesocalc._geometry.layout import MAX_CANDIDATES
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc.exceptions import InvalidValueError

__all__ = ["MAX_SEARCHED_POINTS", "search"]

# A software bound, not a clinical one: the search for a spacing draws the layout some
# hundred and fifty times, so the points it may look for are bounded as candidates are.
MAX_SEARCHED_POINTS: Final = 100_000


def search(
    count: Callable[[float], int], points: int, estimate: float, shape: Any
) -> tuple[float, int]:
    """A spacing (mm) at which ``count`` gives ``points``, or the nearest count, and that count.

    ``estimate`` is the density estimate the search starts from; ``shape`` is named in
    the error when no spacing gives a count near ``points``.
    """
    crossing = _bracket(count, estimate, points)
    centre = estimate if crossing is None else crossing[0]
    grid = [centre * _SAMPLE_RATIO**k for k in range(-_SAMPLES, _SAMPLES + 1)]
    sampled = [count(s) for s in grid]
    # Nearest first, the larger on a tie; a count that holds only at one spacing (the
    # lattice meeting the outline exactly) is passed over: drawn again, it would not keep.
    for best in sorted(set(sampled), key=lambda c: (abs(c - points), -c)):
        if best == 0 or best > MAX_CANDIDATES:
            break
        first, last = _widest_run(sampled, best)
        low, high = grid[first], grid[last]
        if first > 0:  # the run's edges, between the samples either side of it
            low = _bisect(lambda s, c=best: count(s) != c, grid[first - 1], low, 1e-6)[1]
        if last < len(grid) - 1:
            high = _bisect(lambda s, c=best: count(s) == c, high, grid[last + 1], 1e-6)[0]
        middle = (low + high) / 2.0
        if count(middle) != best:
            middle = grid[(first + last) // 2]
        if all(count(middle * n) == best for n in _NUDGES):
            return middle, best
    raise InvalidValueError(
        "points",
        points,
        f"a number of points a layout of {shape!r} can hold",
        f"no spacing near {PARAMETERS['spacing'].show(centre)} gives a layout of about {points}",
    )


_BRACKET_STEPS: Final = 12
_SEARCH_STEPS: Final = 40
_SAMPLES: Final = 48  # on each side of the crossing, from 1/1.25 to 1.25 times it
_SAMPLE_RATIO: Final = 1.25 ** (1 / _SAMPLES)


def _bracket(count: Any, spacing: float, points: int) -> tuple[float, float] | None:
    """Spacings ``low < high`` around where the count falls below ``points``, or None.

    count(low) >= points > count(high), within a thousandth of each other.
    """
    low = high = spacing
    for _ in range(_BRACKET_STEPS):
        if count(low) >= points:
            break
        low /= 2.0
    for _ in range(_BRACKET_STEPS):
        if count(high) < points:
            break
        high *= 2.0
    if count(low) < points or count(high) >= points:
        return None
    return _bisect(lambda s: count(s) >= points, low, high, 1e-3)


def _bisect(holds: Any, low: float, high: float, tolerance: float) -> tuple[float, float]:
    """Narrow ``low < high`` (``holds(low)``, not ``holds(high)``) to where ``holds`` changes."""
    for _ in range(_SEARCH_STEPS):
        middle = (low + high) / 2.0
        if not low < middle < high or high - low <= tolerance * high:
            break
        if holds(middle):
            low = middle
        else:
            high = middle
    return low, high


# A spacing is kept only if spacings this close either way give the same count: far wider
# than the rounding of a stored plan read back, far narrower than any run of a real count.
_NUDGES: Final = (1 - 1e-7, 1 + 1e-7)


def _widest_run(sampled: list[int], value: int) -> tuple[int, int]:
    """First and last index of the longest stretch of ``value`` in ``sampled``."""
    best, start = (0, -1), None
    for i, c in enumerate([*sampled, None]):
        if c == value and start is None:
            start = i
        elif c != value and start is not None:
            if i - 1 - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    return best
