"""Pure arithmetic of a plan, on magnitudes in canonical units (mm, mm², mL, degrees).

Nothing here knows about pint, strings or the catalog: the public functions
convert at the edges and call these. Each formula is written once and takes a
float or a numpy array alike, so a plan of one area and a plan over arrays count,
round and measure the same way by construction.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final, TypeAlias, overload

from mesocalc._engine import engine as _engine
from mesocalc._engine import numpy_binding as _numpy
from mesocalc._quantities.names import Lattice
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc.exceptions import DomainError, InvalidValueError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = _numpy.NUMPY

__all__ = [
    "MAX_POINTS",
    "SNAP",
    "Magnitudes",
    "cell_area",
    "count_cells",
    "count_points",
    "finite_error",
    "insertion_length",
    "volume_array",
    "volume_arrays",
    "volumes",
]

# A magnitude: a float, or an array of them for a plan over arrays.
Magnitudes: TypeAlias = "float | NDArray[np.float64]"

_HEX: Final = math.sqrt(3.0) / 2.0

# A ratio is shrunk by one part in 10^9 before it is rounded up: 0.27 cm² at 3 mm spacing
# is 27.000000000000004 / 9 in floating point, and must be 3 points, not 4. The same
# expression runs on floats and on arrays, so both give the same counts.
# See docs/adr/0002-rounding-point-counts.md.
SNAP: Final = 1.0 - 1e-9

# Point counts stay exact in float64 and int64 below this; more points is no plan.
MAX_POINTS: Final = 2.0**53

# Arrays are counted in chunks that stay in the CPU cache, so that the temporaries
# never cost an allocation (and its page faults) the size of the whole array.
_CHUNK: Final = 1 << 14


def cell_area(spacing: Any, lattice: Lattice, thread_length: float | None = None) -> Any:
    """Area served by one point: s² on a square lattice, (√3/2)·s² on a hexagonal one.

    For retrograde threads (``thread_length`` given) one thread serves spacing x length.
    """
    if thread_length is not None:
        return spacing * thread_length
    return spacing * spacing * (_HEX if lattice is Lattice.HEX else 1.0)


@overload
def count_cells(area: float, cell: float) -> int: ...
@overload
def count_cells(area: Any, cell: Any) -> int | NDArray[np.int64]: ...
def count_cells(area: Any, cell: Any) -> int | NDArray[np.int64]:
    """max(1, ceil(area / (cell / SNAP))): the cells needed to cover ``area``.

    An exact multiple is not rounded up through float error (ADR 0002). Floats give
    an int; arrays (broadcast together) an int64 array.
    """
    if type(area) is float and type(cell) is float:
        return max(1, math.ceil(area / (cell / SNAP)))
    shape = np.broadcast_shapes(np.shape(area), np.shape(cell))
    out = _numpy.empty(shape, np.int64)
    ones = _ones()
    with np.nditer(
        [area, np.divide(cell, SNAP), out],
        flags=["external_loop", "buffered", "zerosize_ok", "grow_inner"],
        op_flags=[["readonly"], ["readonly"], ["writeonly"]],
        op_dtypes=[np.float64, np.float64, np.float64],
        casting="unsafe",
        buffersize=_CHUNK,
    ) as it:
        for a, c, o in it:
            ratio = np.divide(a, c)
            np.ceil(ratio, out=ratio)
            n = len(ratio)
            np.maximum(ratio, ones[:n] if n <= _CHUNK else 1.0, out=o)
    return out


def count_points(area: Any, cell: Any, spacing: Any) -> Any:
    """Points for areas and cells (floats or arrays), refusing counts beyond float precision.

    The largest area any input may have, over the smallest cell, bounds every ratio
    without a pass over the areas; only a spacing far below any published one (a clinic
    catalog's, or an override's) fails that bound, and then the exact ratios decide.

    Raises:
        InvalidValueError: a spacing giving more than 2^53 points, which is no plan.
    """
    if type(area) is float and type(cell) is float:  # a plan of one area: no numpy
        fits = cell > 0 and area / cell <= MAX_POINTS
    elif np.size(area) and np.size(cell):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            smallest = np.min(cell)
            fits = bool(smallest > 0 and _LARGEST_AREA / smallest <= MAX_POINTS) or bool(
                np.all(np.asarray(cell) > 0) and np.max(area / cell) <= MAX_POINTS
            )
    else:
        fits = True
    if not fits:
        raise InvalidValueError(
            "spacing", spacing, f"a spacing giving at most {MAX_POINTS:.0f} points"
        )
    return count_cells(area, cell)


_LARGEST_AREA = PARAMETERS["area"].domain.high


@_engine.cached()
def _ones() -> NDArray[np.float64]:
    """A chunk's worth of ones, read-only, made once, for every count over arrays.

    numpy's maximum against a scalar runs a loop about four times slower than against
    an array.
    """
    ones = np.ones(_CHUNK)
    ones.flags.writeable = False
    return ones


def volumes(points: Any, volume_per_point: Any, loss_fraction: Any) -> tuple[Any, Any]:
    """Total injected volume and the part of it expected to be lost, in mL (or arrays of them)."""
    total = points * volume_per_point
    return total, total * loss_fraction


def volume_array(
    points: Any, volume_per_point: Any, loss_fraction: Any, part: str
) -> NDArray[np.float64]:
    """One of :func:`volumes`' results, or the delivered volume, for arrays of point counts.

    ``part`` is "total", "lost" or "delivered" (total less lost); the arithmetic is that of
    :func:`volumes`, element by element, in the same order (see :func:`volume_arrays`).
    """
    return volume_arrays(points, volume_per_point, loss_fraction, (part,))[0]


def volume_arrays(
    points: Any, volume_per_point: Any, loss_fraction: Any, parts: tuple[str, ...]
) -> tuple[NDArray[np.float64], ...]:
    """Each of ``parts`` ("total", "lost", "delivered") of :func:`volumes`, for arrays.

    The total is ``points x volume_per_point``, the part lost ``total x loss_fraction``
    and the part delivered ``total - lost``, element by element, as for one area. Each
    is computed straight into an array returned (or into the one array returned, in
    place): no whole-array temporary (each costs an allocation and its page faults),
    and no int-by-float product (which numpy casts in a slow buffered loop): the counts
    are cast to float once, into the total's array. The delivered part asked without
    the two others would need the part lost as a temporary: it is computed a chunk at
    a time instead (:func:`_volume_chunks`).
    """
    shape = np.broadcast_shapes(np.shape(points), np.shape(volume_per_point))
    shape = np.broadcast_shapes(shape, np.shape(loss_fraction))
    if "delivered" in parts and len(parts) < 3:
        return _volume_chunks(points, volume_per_point, loss_fraction, parts, shape)
    total = _numpy.empty(shape, np.float64)
    np.copyto(total, points, casting="unsafe")  # exact: counts stay below 2^53
    np.multiply(total, volume_per_point, out=total)
    found = {"total": total}
    if len(parts) > 1 or parts[0] != "total":  # the part lost, in the total's array if alone
        lost = _numpy.empty(shape, np.float64) if len(parts) > 1 else total
        found["lost"] = np.multiply(total, loss_fraction, out=lost)
    if "delivered" in parts:
        found["delivered"] = np.subtract(total, lost, out=_numpy.empty(shape, np.float64))
    return tuple(found[part] for part in parts)


def _volume_chunks(
    points: Any,
    volume_per_point: Any,
    loss_fraction: Any,
    parts: tuple[str, ...],
    shape: tuple[int, ...],
) -> tuple[NDArray[np.float64], ...]:
    """:func:`volume_arrays` a chunk at a time, the counts cast in a buffer in the CPU cache.

    The parts not asked (the part lost, to subtract it) stay in a chunk-sized scratch array.
    """
    outs = tuple(_numpy.empty(shape, np.float64) for _ in parts)
    at = {part: i for i, part in enumerate(parts)}
    scratch = np.empty((2, _CHUNK))
    op_flags: Any = [["readonly"]] * 3 + [["writeonly"]] * len(parts)  # numpy's stubs: literals
    with np.nditer(
        [points, volume_per_point, loss_fraction, *outs],
        flags=["external_loop", "buffered", "zerosize_ok", "grow_inner"],
        op_flags=op_flags,
        op_dtypes=[np.float64] * (3 + len(parts)),
        casting="unsafe",  # exact: counts stay below 2^53
        buffersize=_CHUNK,
    ) as it:
        for p, v, f, *o in it:
            n = len(p)  # more than a chunk only where no operand needs a buffer
            spare = scratch[:, :n] if n <= _CHUNK else np.empty((2, n))
            total = np.multiply(p, v, out=o[at["total"]] if "total" in at else spare[0])
            if "lost" in at or "delivered" in at:
                lost = np.multiply(total, f, out=o[at["lost"]] if "lost" in at else spare[1])
                if "delivered" in at:
                    np.subtract(total, lost, out=o[at["delivered"]])
    return outs


def insertion_length(depth: Any, angle: Any) -> Any:
    """Shaft length inserted to reach ``depth`` (mm) at ``angle`` (degrees): depth / sin(angle).

    MICHEELS16 states the geometry the other way round: depth = sin(angle) x inserted length.

    Raises:
        DomainError: an angle so small (a subnormal one) that the length is infinite,
            which no plan can have and no JSON can hold.
    """
    if type(depth) is float and type(angle) is float:
        sine = math.sin(math.radians(angle))
        length = depth / sine if sine else math.inf
        if not math.isfinite(length):
            raise finite_error("angle", angle, "insertion_length")
        return length
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = np.divide(depth, np.sin(np.radians(angle)))
    finite = np.isfinite(out)
    if not np.all(finite):
        index = tuple(int(i) for i in np.argwhere(~finite)[0])
        at = float(np.broadcast_to(angle, np.shape(out))[index])
        error = finite_error("angle", at, "insertion_length")
        raise error.at(index) if index else error
    return out


def finite_error(name: str, value: float, result: str) -> DomainError:
    """The refusal of an input (``name``) whose ``result`` would be infinite.

    JSON has no infinity, and no plan has an infinite length or dose: the input is
    refused where the result is computed, with the parameter named.
    """
    unit = {"angle": " deg", "area": " cm²"}.get(name, "")
    return DomainError(
        name,
        f"{value!r}{unit}",
        f"{'an' if name[0] in 'aeiou' else 'a'} {name} giving a finite {result}",
        f"the {result} overflows a float: no plan has it",
        allowed=f"a finite {result}",
        source="mesocalc",
    )
