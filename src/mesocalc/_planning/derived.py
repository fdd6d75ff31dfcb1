"""Values that follow from other inputs: the quantities protocols state.

A protocol may state the number of points instead of a spacing, and a total volume or a
dose per area instead of a volume per point. Each is read here into the value it fixes
(the spacing at which the area holds that many points, the volume per point a total or a
dose gives the counted points), which the guardrails then check as they check a given
one; and two inputs that fix the same thing are refused. Kept apart from the planner,
which only calls these in its order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

from mesocalc._engine import numpy_binding as _numpy
from mesocalc._planning import guardrails as _guardrails
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    import numpy as np

    from mesocalc._catalog.entries import Spec
    from mesocalc._quantities.names import Lattice
else:
    np = _numpy.NUMPY

__all__ = ["dose_per_area", "one_of", "source", "spacing_for", "volume_per_point"]

# The most points a request may ask for: a software bound, not a clinical one. Below it the
# spacing that holds them gives the same count back (SNAP's one part in 10^9 stays under a
# tenth of a point); at 10^9 it would silently give one point fewer.
_MAX_ASKED: Final = 10**8


def volume_per_point(
    entry: Spec,
    area_mm2: float,
    count: int,
    values: dict[str, float],
    per_point: tuple[str, float],
) -> list[Any]:
    """Set the volume per point a total or a dose per area (read) gives ``count`` points.

    Returns its departure from the catalog's range, if any, checked as a given value is.
    """
    name, asked = per_point
    if name == "total_volume":
        m, why = asked / count, f"{asked:.6g} mL over {count} points"
    else:
        # Each point serves area / count (the cell, but for the rounding of the count),
        # so that the plan's dose per area is the one asked for.
        m = asked * (area_mm2 / count) / 100.0  # mL/cm² over mm²
        why = f"{asked:.6g} mL/cm² at {values['spacing']:.4g} mm spacing"
    values["volume_per_point"], departure = _guardrails.choose_derived(
        m, "volume_per_point", entry.volume_per_point, entry, why
    )
    return [] if departure is None else [departure]


def source(
    spacing: Any, volume_per_point: Any, points: Any, total_volume: Any, dose_per_area: Any
) -> tuple[str, Any] | None:
    """The input a volume per point follows from, once no two inputs fix the same thing."""
    one_of(("spacing", spacing), ("points", points))
    one_of(("volume_per_point", volume_per_point), ("total_volume", total_volume))
    one_of(("volume_per_point", volume_per_point), ("dose_per_area", dose_per_area))
    one_of(("total_volume", total_volume), ("dose_per_area", dose_per_area))
    if total_volume is not None:
        return ("total_volume", total_volume)
    if dose_per_area is not None:
        return ("dose_per_area", dose_per_area)
    return None


def one_of(first: tuple[str, Any], second: tuple[str, Any]) -> None:
    """Refuse two inputs that fix the same thing (a spacing and a number of points)."""
    if first[1] is not None and second[1] is not None:
        raise InvalidValueError(
            second[0],
            second[1],
            f"either {first[0]} or {second[0]}, not both: they fix the same thing",
        )


def landmark_spacing(entry: Spec, shaped: Any) -> tuple[float, Any, str] | None:
    """The least distance between a plan's landmark points, checked as a given spacing.

    Its value, its departure from the range (or None) and how it is shown; None unless
    the points are on two landmarks or more (one has no neighbour: it takes the nominal
    spacing, or one given).
    """
    marks = None if shaped is None else shaped.landmarks
    if marks is None or len(marks.xy) < 2:
        return None
    from mesocalc._geometry.shapes import least_distance  # noqa: PLC0415 - shapes on first use

    least = least_distance(marks.xy)
    assert least is not None  # two points or more
    why = f"the least distance between the points of {len(marks.xy)} landmarks"
    spacing, departure = _guardrails.choose_derived(least, "spacing", entry.spacing, entry, why)
    return spacing, departure, f"{PARAMETERS['spacing'].show(least)} ({why})"


def spacing_for(  # noqa: PLR0917 - private: the planner's request, read
    entry: Spec, grid: Lattice, thread: float | None, area_mm2: float, points: Any, shaped: Any
) -> tuple[float, Any]:
    """The spacing at which ``area_mm2`` (or its shape's layout) holds ``points`` points.

    Without a shape the count is exact; a layout on a shape holds the nearest count any
    spacing gives (see :meth:`AreaRequest.spacing_for`).
    """
    if isinstance(points, bool) or not isinstance(points, int):
        raise InputTypeError("points", points, "a whole number of points, such as 200")
    if not 1 <= points <= _MAX_ASKED:
        raise InvalidValueError(
            "points", points, f"a whole number of points from 1 to {_MAX_ASKED:,}"
        )
    cell = area_mm2 / points
    spacing = cell / thread if thread is not None else math.sqrt(cell / _core.cell_area(1.0, grid))
    why = f"{points} points over {area_mm2 / 100:.6g} cm²"
    if shaped is not None and shaped.shape is not None:
        spacing, held = shaped.spacing_for(points, grid, thread, spacing)
        nearest = "" if held == points else f", the nearest to {points}"
        why = f"{held} points on the shape{nearest}"
    return _guardrails.choose_derived(spacing, "spacing", entry.spacing, entry, why)


def dose_per_area(total_ml: Any, area_cm2: Any) -> Any:
    """Product injected per cm² (mL/cm²): the dose a protocol stating one would give.

    Raises:
        DomainError: an area so small (a subnormal one) that the dose is infinite.
    """
    if type(total_ml) is float and type(area_cm2) is float:
        dose = total_ml / area_cm2
        if not math.isfinite(dose):
            raise _core.finite_error("area", area_cm2, "dose_per_area")
        return dose
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        dose = np.divide(total_ml, area_cm2)
    finite = np.isfinite(dose)
    if not np.all(finite):
        index = tuple(int(i) for i in np.argwhere(~finite)[0])
        at = float(np.broadcast_to(area_cm2, np.shape(dose))[index])
        error = _core.finite_error("area", at, "dose_per_area")
        raise error.at(index) if index else error
    return dose
