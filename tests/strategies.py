"""Hypothesis strategies for mesocalc, kept in one place.

Builders take keyword knobs (a technique, a zone, ``units="random"``) so that tests
state what they vary and nothing else.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog import Range, Spec, default_catalog
from mesocalc._units import Dim, quantity

# Spellings of each dimension with their size in canonical units (mm, mm², mL, degrees),
# as a string unit for text input and as a pint unit name for Quantity input.
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


def entries() -> st.SearchStrategy[Spec]:
    """Every technique x zone entry of the shipped catalog."""
    catalog = default_catalog()
    return st.sampled_from(sorted(catalog.entries.values(), key=lambda s: (s.technique, s.zone)))


def unused_pairs() -> st.SearchStrategy[tuple[mesocalc.Technique, mesocalc.Zone]]:
    """Technique x zone pairs the catalog says are not used."""
    used = set(default_catalog().entries)
    pairs = [(t, z) for t in mesocalc.Technique for z in mesocalc.Zone if (t, z) not in used]
    return st.sampled_from(pairs)


@st.composite
def expressed(draw: st.DrawFn, magnitude: float, dim: Dim, *, units: str = "random") -> Any:
    """``magnitude`` (canonical units) as a string or a Quantity in a random compatible unit."""
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


def areas(*, min_mm2: float = 1.0, max_mm2: float = 2e5) -> st.SearchStrategy[float]:
    """Treatment areas in mm², from a square millimetre to 20 dm² by default."""
    return st.floats(min_value=min_mm2, max_value=max_mm2, allow_nan=False)


@st.composite
def plan_requests(
    draw: st.DrawFn, *, entry: Spec | None = None, units: str = "random"
) -> dict[str, Any]:
    """Keyword arguments for mesocalc.plan(), valid for the catalog, some parameters unset."""
    entry = entry or draw(entries())
    kwargs: dict[str, Any] = {
        "technique": entry.technique,
        "zone": draw(st.sampled_from([entry.zone, entry.zone.value.upper()])),
        "area": draw(areas().flatmap(lambda a: expressed(a, Dim.AREA, units=units))),
    }
    for name, r in entry.ranges().items():
        if name == "thread_length" or not draw(st.booleans()):
            continue
        dim = Dim.FRACTION if name == "loss_fraction" else _DIMS[name]
        kwargs[name] = draw(expressed(draw(in_range(r)), dim, units=units))
    if entry.geometry == "point":
        kwargs["lattice"] = draw(
            st.sampled_from(["square", "hex", "Hex", mesocalc.Lattice.SQUARE])
        )
    return kwargs


_DIMS = {
    "depth": Dim.LENGTH,
    "spacing": Dim.LENGTH,
    "volume_per_point": Dim.VOLUME,
    "angle": Dim.ANGLE,
}


def bare_numbers() -> st.SearchStrategy[Any]:
    """Numbers without a unit: never accepted for a dimensioned input."""
    return st.one_of(
        st.integers(min_value=-(10**6), max_value=10**6),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def garbage_strings() -> st.SearchStrategy[str]:
    """Strings that are not one number followed by one known unit."""
    return st.one_of(
        st.sampled_from(
            [
                "",
                "mm",
                "1.5 ML",
                "30 G",
                "nan mL",
                "inf mm",
                "1,500 mm",
                "2**99999999 cm^2",
                "(" * 200 + "1 mm" + ")" * 200,
                "1 mm 2 mm",
                "1e9999 mm",
                "x" * 200_000,
                "one mm",
                "1 parsec",
            ]
        ),
        st.text(alphabet="()*^+-/eE.,0123456789 abcmLgG%°µ", max_size=40).filter(_not_valid),
    )


def _not_valid(text: str) -> bool:
    try:
        mesocalc._units.parse_string(text, "x", Dim.LENGTH)
    except mesocalc.MesocalcError:
        return True
    return False
