"""Hypothesis strategies for mesocalc plan requests, for clinic software's own property tests.

Builders take keyword knobs (an entry, a catalog, ``units="random"``) so that a test
states what it varies and nothing else. This module imports Hypothesis.

Examples:
    >>> import mesocalc
    >>> from hypothesis import given
    >>> from mesocalc.testing import assert_plan_valid
    >>> from mesocalc.testing.strategies import plan_requests
    >>> @given(plan_requests())
    ... def test_every_plan_is_valid(request):
    ...     assert_plan_valid(mesocalc.plan(**request))
    >>> test_every_plan_is_valid()
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._catalog.entries import Range, Spec
from mesocalc._quantities.names import Lattice
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import Dim, quantity

__all__ = ["UNIT_CHOICES", "areas", "entries", "expressed", "in_range", "plan_requests"]

#: Spellings of each dimension with their size in canonical units (mm, mm², mL, degrees),
#: as a string unit for text input and as a pint unit name for Quantity input.
UNIT_CHOICES: dict[Dim, list[tuple[str, str, float]]] = {
    Dim.LENGTH: [
        ("mm", "millimeter", 1.0),
        ("cm", "centimeter", 10.0),
        ("µm", "micrometer", 1e-3),
        ("m", "meter", 1000.0),
    ],
    Dim.AREA: [
        ("cm^2", "centimeter ** 2", 100.0),
        ("mm²", "millimeter ** 2", 1.0),
        ("m2", "meter ** 2", 1e6),
        ("cm**2", "centimeter ** 2", 100.0),
    ],
    Dim.VOLUME: [
        ("mL", "milliliter", 1.0),
        ("µL", "microliter", 1e-3),
        ("cc", "cubic_centimeter", 1.0),
        ("L", "liter", 1000.0),
    ],
    Dim.ANGLE: [("deg", "degree", 1.0), ("°", "degree", 1.0), ("rad", "radian", 180 / math.pi)],
}


def entries(catalog: Catalog | None = None) -> st.SearchStrategy[Spec]:
    """Every technique x zone entry of ``catalog`` (the shipped one by default)."""
    found = (catalog or default_catalog()).entries.values()
    return st.sampled_from(sorted(found, key=lambda s: (s.technique, s.zone)))


@st.composite
def expressed(draw: st.DrawFn, magnitude: float, dim: Dim, *, units: str = "random") -> Any:
    """``magnitude`` (canonical units) as a string or a Quantity in a random compatible unit.

    ``units="canonical"`` keeps mm, mm², mL and degrees.
    """
    if dim is Dim.FRACTION:
        return magnitude
    choices = UNIT_CHOICES[dim] if units == "random" else UNIT_CHOICES[dim][:1]
    text, name, factor = draw(st.sampled_from(choices))
    value = magnitude / factor
    if draw(st.booleans()):
        return f"{value!r} {text}"
    return quantity(value, name)


def in_range(r: Range) -> st.SearchStrategy[float]:
    """Canonical magnitudes inside a catalog range (away from an open low bound)."""
    low = r.low_magnitude
    if r.low_open:
        low = low + max(1e-6, 1e-6 * r.high_magnitude)
    return st.floats(min_value=low, max_value=r.high_magnitude, allow_nan=False)


def areas(
    *, min_mm2: float = 1.0, max_mm2: float = 2e5, entry: Spec | None = None
) -> st.SearchStrategy[float]:
    """Treatment areas in mm², from a square millimetre to 20 dm² by default.

    With ``entry``, no larger than the entry's per-session cap allows at its densest.
    """
    if entry is not None and entry.session is not None:
        max_mm2 = min(max_mm2, _largest_area_within_cap(entry))
    return st.floats(min_value=min_mm2, max_value=max_mm2, allow_nan=False)


def _largest_area_within_cap(entry: Spec) -> float:
    cap = entry.session
    assert cap is not None
    points = float(cap.max_points or math.inf)
    if cap.max_volume_magnitude is not None:
        points = min(points, cap.max_volume_magnitude / entry.volume_per_point.high_magnitude)
    densest = entry.spacing.low_magnitude**2 * (math.sqrt(3) / 2)
    if entry.thread_length is not None:
        densest = entry.spacing.low_magnitude * (
            entry.thread_length.nominal_magnitude or entry.thread_length.high_magnitude
        )
    return math.floor(points) * densest * (1 - 1e-9)


@st.composite
def plan_requests(
    draw: st.DrawFn,
    *,
    entry: Spec | None = None,
    units: str = "random",
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Keyword arguments for mesocalc.plan(), within the catalog's ranges, some left unset.

    Pass ``catalog`` to draw from a clinic's own protocol (and give the same catalog
    to ``plan``).
    """
    entry = entry or draw(entries(catalog))
    kwargs: dict[str, Any] = {
        "technique": entry.technique,
        "zone": draw(st.sampled_from([entry.zone, entry.zone.value.upper()])),
        "area": draw(expressed(draw(areas(entry=entry)), Dim.AREA, units=units)),
    }
    for name, r in entry.ranges().items():
        # A range without a default must be given; the others are given or left unset.
        if name == "thread_length" or (
            r.nominal_magnitude is not None and not draw(st.booleans())
        ):
            continue
        kwargs[name] = draw(expressed(draw(in_range(r)), PARAMETERS[name].dim, units=units))
    if entry.geometry == "point":
        kwargs["lattice"] = draw(st.sampled_from(["square", "hex", "Hex", Lattice.SQUARE]))
    return kwargs
