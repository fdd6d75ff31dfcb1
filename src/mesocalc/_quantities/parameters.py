"""The one table of parameters: what each quantity mesocalc reads or reports *is*.

Every planning input and every result is described here once: its dimension, the
pint unit its magnitude is kept in (the canonical unit, see ADR 0001), how it is
shown to a person and written in JSON (a UCUM code), and its domain, the values no
plan can ever have (a depth of 0 mm, an angle beyond 90°, a loss of 100 %).
Reading inputs, range checks, tables, reprs, JSON, DataFrames and the test
strategies all look a parameter up here, so that a unit has one spelling in
every output and a domain violation is one error everywhere.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from mesocalc._quantities.units import BIOLOGICAL_UNIT, SANE_MAX, SANE_MIN, Dim, quantity

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["PARAMETERS", "PLANNED", "RANGED", "Domain", "Parameter", "shown_quantity"]


class Domain(NamedTuple):
    """The values a parameter can take at all: ``low`` to ``high``, each bound open or closed.

    (Table rows are NamedTuples, not attrs classes: they are made at import, and
    ``import mesocalc`` is kept quick.)
    """

    low: float
    high: float
    low_open: bool = True
    high_open: bool = False
    words: str = ""  # what the domain admits, for error messages
    too_large: str = ""  # the words for a value above ``high``, when they differ
    # The least magnitude of an open domain, a software bound (see _units.SANE_MIN). A
    # domain that holds 0 needs none: its values are only added and multiplied, never
    # divided by, so a tiny one computes as 0 does.
    floor: float = 0.0
    too_small: str = ""  # the words for a value between ``low`` and ``floor``

    def contains(self, m: Any) -> Any:
        """Whether magnitudes lie in the domain: a bool, or a bool array (NaN is never inside)."""
        if self.floor > self.low:
            above = m >= self.floor
        else:
            above = m > self.low if self.low_open else m >= self.low
        return above & (m < self.high if self.high_open else m <= self.high)

    def too_small_for(self, m: Any) -> bool:
        """Whether ``m`` lies between ``low`` and the floor: a tiny magnitude, not a plan."""
        return bool(self.low < m < self.floor)


class Parameter(NamedTuple):
    """One quantity: dimension, canonical pint unit, shown unit, JSON unit and domain.

    ``shown`` is the unit a person reads (tables, reprs, error messages, the
    Quantity a result property returns): ``shown_unit`` is its pint name and
    ``per_shown`` is how many canonical units make one shown unit (100 mm² in a
    cm²). ``json`` is the UCUM code of the shown unit, in which JSON stores magnitudes:
    one unit for a quantity in every output, tables and JSON alike. ``role`` says what
    plan() does with it: ``"required"`` (the area), ``"ranged"`` (a catalog range
    bounds it and gives its default), or ``""`` (a result, or a part's quantity).
    """

    name: str
    dim: Dim
    domain: Domain
    shown: str
    shown_unit: str
    per_shown: float = 1.0
    json: str = ""
    role: str = ""

    @property
    def unit(self) -> str:
        """The canonical pint unit of the magnitudes mesocalc computes on."""
        return self.dim.canonical

    def to_shown(self, m: Any) -> Any:
        """Canonical magnitudes in the shown unit (the same object when the units agree)."""
        return m if self.per_shown == 1.0 else m / self.per_shown

    def show(self, m: float, digits: int = 4) -> str:
        """A magnitude as a person reads it: ``"1.44 mL"``, ``"40 cm²"``, ``"0.5"``.

        Tables round to 4 significant digits; reprs of value objects pass 6, so that a
        value given as "2.2345 mm" reads back as given.
        """
        text = f"{self.to_shown(m):.{digits}g}"
        return f"{text} {self.shown}" if self.shown else text


# Software bounds, not clinical ones (see _units.SANE_MAX): larger inputs are typing errors.
_SANE_WORDS: Final = {
    Dim.LENGTH: "at most 10 m",
    Dim.AREA: "at most 100 m²",
    Dim.VOLUME: "at most 10 L",
    Dim.DOSE: "at most 100 mL/cm²",
    Dim.CONCENTRATION: "at most 10 g/mL",
    Dim.BIOLOGICAL_CONCENTRATION: "at most 1e9 U/mL",
    Dim.MASS: "at most 10 kg",
    Dim.BIOLOGICAL: "at most 1e9 U",
}


def _least(dim: Dim) -> str:
    """The floor in words: "at least 1e-09 mm"."""
    return f"at least {SANE_MIN[dim]:g}{' ' + dim.symbol if dim.symbol else ''}"


def _positive(dim: Dim) -> Domain:
    return Domain(
        low=0.0,
        high=SANE_MAX[dim],
        words=f"{dim.expected}, greater than zero",
        too_large=f"{dim.expected}, {_SANE_WORDS[dim]}",
        floor=SANE_MIN[dim],
        too_small=f"{dim.expected}, {_least(dim)}",
    )


def _non_negative(dim: Dim, example: str) -> Domain:
    return Domain(
        low=0.0,
        high=SANE_MAX[dim],
        low_open=False,
        words=f"{dim.article} {dim.label} of 0 or more, such as {example}",
        too_large=f"{dim.expected}, {_SANE_WORDS[dim]}",
    )


def _result(dim: Dim, example: str) -> Domain:
    """A computed total: 0 or more and finite, with no sanity bound (a sum of valid inputs)."""
    return Domain(
        low=0.0,
        high=math.inf,
        low_open=False,
        high_open=True,
        words=f"{dim.article} {dim.label} of 0 or more, such as {example}",
    )


_LENGTH: Final = _positive(Dim.LENGTH)
_VOLUME: Final = _positive(Dim.VOLUME)


def _length(name: str, domain: Domain = _LENGTH, role: str = "") -> Parameter:
    return Parameter(name, Dim.LENGTH, domain, "mm", "millimeter", json="mm", role=role)


def _volume(name: str, domain: Domain = _VOLUME, role: str = "") -> Parameter:
    return Parameter(name, Dim.VOLUME, domain, "mL", "milliliter", json="mL", role=role)


def _human(low: float, high: float, example: str) -> Domain:
    """A body measurement's domain: from ``low`` to ``high`` mm, wider than any person's."""
    words = f"a length from {low:g} mm to {high:g} mm, such as {example}"
    return Domain(low, high, low_open=False, words=words)


PARAMETERS: Final[dict[str, Parameter]] = {
    p.name: p
    for p in (
        Parameter(
            "area",
            Dim.AREA,
            _positive(Dim.AREA),
            "cm²",
            "centimeter ** 2",
            per_shown=100.0,
            json="cm2",
            role="required",
        ),
        # The ranged parameters, in plan()'s order (its keywords, the CLI's flags).
        _length("spacing", role="ranged"),
        _volume("volume_per_point", role="ranged"),
        _length("depth", role="ranged"),
        Parameter(
            "angle",
            Dim.ANGLE,
            Domain(
                0.0,
                90.0,
                words="an angle in (0, 90] degrees",
                floor=SANE_MIN[Dim.ANGLE],
                too_small=f"an angle in (0, 90] degrees, {_least(Dim.ANGLE)}",
            ),
            "deg",
            "degree",
            json="deg",
            role="ranged",
        ),
        Parameter(
            "loss_fraction",
            Dim.FRACTION,
            Domain(
                0.0,
                1.0,
                low_open=False,
                high_open=True,
                words="a fraction in [0, 1), such as 0.5",
            ),
            "",
            "dimensionless",
            json="1",
            role="ranged",
        ),
        _length("thread_length"),
        Parameter(
            "dose_per_area",
            Dim.DOSE,
            _positive(Dim.DOSE),
            "mL/cm²",
            "milliliter / centimeter ** 2",
            json="mL/cm2",
        ),
        _length(
            "margin",
            Domain(
                0.0,
                SANE_MAX[Dim.LENGTH],
                low_open=False,
                words="a length from 0 mm to 10 m, such as '5 mm'",
            ),
        ),
        _volume("total_volume", _result(Dim.VOLUME, "'1.44 mL'")),
        _volume("expected_loss", _result(Dim.VOLUME, "'0.5 mL'")),
        _volume("delivered_volume", _result(Dim.VOLUME, "'1 mL'")),
        _volume("draw_up_volume", _result(Dim.VOLUME, "'1.6 mL'")),
        _length("insertion_length"),
        _length("total_thread_length", _result(Dim.LENGTH, "'130 mm'")),
        Parameter(
            "concentration",
            Dim.CONCENTRATION,
            _positive(Dim.CONCENTRATION),
            "mg/mL",
            "milligram / milliliter",
            json="mg/mL",
        ),
        # Biological units (a toxin's "U", ADR 0010): UCUM's arbitrary unit, [arb'U]; UCUM's
        # U is the enzyme unit, which a biological unit is not.
        Parameter(
            "biological_concentration",
            Dim.BIOLOGICAL_CONCENTRATION,
            _positive(Dim.BIOLOGICAL_CONCENTRATION),
            "U/mL",
            f"{BIOLOGICAL_UNIT} / milliliter",
            json="[arb'U]/mL",
        ),
        # A vial's amount of active, reconstituted (Product.reconstituted).
        Parameter("amount", Dim.MASS, _positive(Dim.MASS), "mg", "milligram", json="mg"),
        Parameter(
            "biological_amount",
            Dim.BIOLOGICAL,
            _positive(Dim.BIOLOGICAL),
            "U",
            BIOLOGICAL_UNIT,
            json="[arb'U]",
        ),
        _volume("diluent"),
        # Equipment and outlines.
        _length("length"),
        _length("pitch"),
        _volume("capacity"),
        _volume("dead_space", _non_negative(Dim.VOLUME, "'84 uL'")),
        _length("width"),
        _length("height"),
        _length("radius"),
        _length("perimeter"),
        # A patient's measurements (Anatomy): bounds no human lies outside, not clinical ones.
        _length("face_height", _human(30.0, 300.0, "'122 mm' (nasion to menton)")),
        _length("face_width", _human(50.0, 300.0, "'132 mm' (zygion to zygion)")),
        _length("stature", _human(300.0, 3000.0, "'170 cm'")),
        _length("hip_width", _human(80.0, 1200.0, "'36 cm'")),
        # A zone's published skin thickness, per layer.
        _length("epidermis"),
        _length("dermis"),
        _length("skin"),
        _length("subcutis"),
        # A needle as the catalog's ranges for a technique check it.
        _length("needle_length"),
        Parameter(
            "needle_gauge",
            Dim.FRACTION,
            Domain(9.0, 34.0, words="a gauge from 10G to 34G"),
            "G",
            "dimensionless",
            json="1",
        ),
    )
}

# Plan inputs with a catalog range, in plan()'s order: its keywords, the CLI's flags, the
# bits of the warnings' cache key.
PLANNED: Final = tuple(n for n, p in PARAMETERS.items() if p.role == "ranged")
# The same in the catalog's order (a Spec's fields; warnings and sources follow it).
RANGED: Final = ("depth", "spacing", "volume_per_point", "angle", "loss_fraction")


def shown_quantity(name: str, m: Any) -> Quantity:
    """Canonical magnitudes of parameter ``name`` as a Quantity in its shown unit.

    What a result property returns (``plan.area`` in cm², ``plan.depth`` in mm): the unit
    is the table's, so that no record spells one of its own.
    """
    p = PARAMETERS[name]
    # Parameter.to_shown, inlined: every result a plan of one area reads passes here.
    return quantity(m if p.per_shown == 1.0 else m / p.per_shown, p.shown_unit)
