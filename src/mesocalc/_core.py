"""Pure arithmetic of a plan, on magnitudes in canonical units (mm, mm², mL).

Nothing here knows about pint, strings or the catalog: the public functions
convert at the edges and call these.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

from mesocalc._names import Lattice

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["SNAP", "Magnitudes", "cell_area", "count_cells", "insertion_length", "volumes"]

# A magnitude: a float, or an array of them for a plan over arrays.
Magnitudes: TypeAlias = "float | NDArray[np.float64]"

_HEX: Final = math.sqrt(3.0) / 2.0

# A ratio is shrunk by one part in 10^9 before it is rounded up: 0.27 cm² at 3 mm spacing
# is 27.000000000000004 / 9 in floating point, and must be 3 points, not 4. The same
# expression runs on floats and on arrays, so both give the same counts.
# See docs/adr/0002-rounding-point-counts.md.
SNAP: Final = 1.0 - 1e-9


def cell_area(spacing: Magnitudes, lattice: Lattice, thread_length: float | None = None) -> Any:
    """Area served by one point: s² on a square lattice, (√3/2)·s² on a hexagonal one.

    For retrograde threads (``thread_length`` given) one thread serves spacing x length.
    """
    if thread_length is not None:
        return spacing * thread_length
    return spacing * spacing * (_HEX if lattice is Lattice.HEX else 1.0)


def count_cells(area: float, cell: float) -> int:
    """ceil(area / cell), at least 1, without rounding an exact multiple up through float error."""
    return max(1, math.ceil(area / (cell / SNAP)))


def volumes(
    points: int | NDArray[np.int64], volume_per_point: Magnitudes, loss_fraction: Magnitudes
) -> tuple[Magnitudes, Magnitudes]:
    """Total injected volume and the part of it expected to be lost, in mL (or arrays of them)."""
    total = cast("Magnitudes", points * volume_per_point)
    return total, total * loss_fraction


def insertion_length(depth: float, angle: float) -> float:
    """Shaft length inserted to reach ``depth`` (mm) at ``angle`` (degrees): depth / sin(angle).

    MICHEELS16 states the geometry the other way round: depth = sin(angle) x inserted length.
    """
    return depth / math.sin(math.radians(angle))
