"""The records a catalog entry is made of: ranges, session caps, skin figures, the entry.

Kept apart from the TOML reader that builds them (``_catalog_reader``) and from the
catalog that holds them (``_catalog``): the guardrails, the plan and the exchange
formats read these records and need neither. Each record is plain and frozen, with its
JSON form given by the codec.
"""

from __future__ import annotations

import enum
from typing import Any, Final

import attrs

from mesocalc._quantities import validators as _validators
from mesocalc._quantities.names import Technique, Zone
from mesocalc._quantities.parameters import PARAMETERS, RANGED
from mesocalc._quantities.units import Dim, quantity
from mesocalc._records import codec as _codec

__all__ = [
    "NO_SKIN_FIGURES",
    "Basis",
    "Contraindication",
    "Gauges",
    "Layer",
    "Protocol",
    "Range",
    "SessionCap",
    "SkinThickness",
    "Spec",
]


class Basis(enum.StrEnum):
    """How a range rests on its sources."""

    STATED = "stated"  # the source states these numbers
    DERIVED = "derived"  # arithmetic on stated numbers
    ANALOGUE = "analogue"  # taken from a neighbouring technique or route
    UNSOURCED = "unsourced"  # a team default: plans relying on it warn


def _fmt(x: float) -> str:
    return f"{x:.6g}"


@attrs.frozen(kw_only=True, repr=False)
class Range:
    """A recommended range of one parameter for one technique in one zone.

    ``low`` and ``high`` are Quantities (plain floats for the loss fraction).
    ``low_open`` marks a range whose low bound is excluded: "(0, 1] mm" when a
    source gives only "at most 1 mm", "(4, 13] mm" for "deeper than 4 mm".
    """

    __codec_unit_of__ = "parameter"  # JSON: low, high and nominal in this parameter's unit

    parameter: str = attrs.field(metadata=_codec.text())
    low_magnitude: float = attrs.field(metadata=_codec.number(key="low"))
    high_magnitude: float = attrs.field(metadata=_codec.number(key="high"))
    # None: no source gives a realistic value, so plans must be given one.
    nominal_magnitude: float | None = attrs.field(
        default=None, metadata=_codec.number(key="nominal")
    )
    low_open: bool = attrs.field(default=False, metadata=_codec.flag())
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts(key="source"))
    basis: Basis = attrs.field(default=Basis.STATED, metadata=_codec.name(Basis))
    note: str = attrs.field(default="", metadata=_codec.text())
    hard: bool = attrs.field(default=False, metadata=_codec.flag())
    # True: the source gives the value only as "about" it; a departure warns, and needs no
    # override (no source gives a tolerance to refuse beyond).
    about: bool = attrs.field(default=False, metadata=_codec.flag())

    def _out(self, magnitude: float) -> Any:
        p = PARAMETERS[self.parameter]
        return magnitude if p.dim is Dim.FRACTION else quantity(magnitude, p.unit)

    @property
    def low(self) -> Any:
        """The low bound (excluded when ``low_open``)."""
        return self._out(self.low_magnitude)

    @property
    def high(self) -> Any:
        """The high bound (included)."""
        return self._out(self.high_magnitude)

    @property
    def nominal(self) -> Any:
        """The value a plan uses when the caller gives none; None when there is no default."""
        return None if self.nominal_magnitude is None else self._out(self.nominal_magnitude)

    @property
    def source(self) -> str:
        """The source keys as one string, or "UNSOURCED"."""
        return ", ".join(self.sources) if self.sources else "UNSOURCED"

    def contains(self, magnitude: Any) -> Any:
        """Whether canonical magnitudes lie in the range, with a relative tolerance of 1e-9.

        A bool for a float, a bool array for an array (NaN is never inside).
        """
        tol = 1e-9 * max(abs(self.high_magnitude), 1e-12)
        above = (
            magnitude > self.low_magnitude + tol
            if self.low_open
            else magnitude >= self.low_magnitude - tol
        )
        return above & (magnitude <= self.high_magnitude + tol)

    def describe(self) -> str:
        """The range in words with its unit, e.g. ``"1 to 2 mm"`` or ``"at most 1 mm"``."""
        unit = PARAMETERS[self.parameter].shown
        sep = " " if unit else ""
        hi = f"{_fmt(self.high_magnitude)}{sep}{unit}"
        if self.low_open and self.low_magnitude == 0:
            return f"at most {hi}"
        if self.low_open:
            return f"more than {_fmt(self.low_magnitude)}{sep}{unit} and at most {hi}"
        if self.low_magnitude == self.high_magnitude:
            return f"about {hi}" if self.about else hi
        return f"{_fmt(self.low_magnitude)} to {hi}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: low, high and nominal in the parameter's unit, with its sources."""
        return _codec.unstructure(self)

    def __repr__(self) -> str:
        """The range in words with its unit: ``Range(depth: 1 to 2 mm, ..., source SEED3)``."""
        words = self.describe()
        parts = [f"{self.parameter}: {words}"]
        if self.nominal_magnitude is not None and self.low_magnitude != self.high_magnitude:
            parts.append(f"nominal {PARAMETERS[self.parameter].show(self.nominal_magnitude, 6)}")
        about = self.about and not words.startswith("about")
        parts += [word for word, on in (("hard", self.hard), ("about", about)) if on]
        parts.append(self.basis.value)
        if self.sources:
            parts.append(f"source {', '.join(self.sources)}")
        return f"Range({', '.join(parts)})"


_RANGE: Final = _codec.part(_codec.one_of(Range))


class Layer(enum.StrEnum):
    """The skin layer a technique deposits product in, which bounds its depth."""

    SKIN = "skin"  # epidermis or dermis: no deeper than the zone's full skin thickness
    SUBCUTIS = "subcutis"  # below the skin: deeper than the zone's thinnest skin
    ANY = "any"  # published depths straddle the dermis and the subcutis: no layer bound


@attrs.frozen(kw_only=True, repr=False)
class SessionCap:
    """A per-session cap for a technique in a zone (see docs/guardrails.md).

    Hard when its source states it for this use; a cap borrowed from elsewhere (an
    analogue, such as another product's label) is soft: an override passes it.
    """

    max_points: int | None = attrs.field(default=None, metadata=_codec.whole())
    max_volume_magnitude: float | None = attrs.field(
        default=None, metadata=_codec.quantity_field("total_volume", key="max_volume")
    )
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts(key="source"))
    basis: Basis = attrs.field(default=Basis.STATED, metadata=_codec.name(Basis))
    note: str = attrs.field(default="", metadata=_codec.text())
    # Hard when the source states the cap for this use; an analogue cap is soft.
    hard: bool = attrs.field(default=True, metadata=_codec.flag())

    @property
    def source(self) -> str:
        """The source keys as one string."""
        return ", ".join(self.sources)

    __repr__ = _codec.unit_repr  # max_volume='10 mL', not max_volume_magnitude=10.0


@attrs.frozen(kw_only=True)
class SkinThickness:
    """Published thickness of a zone's skin layers, each a Range in mm (None: no figure)."""

    epidermis: Range | None = None
    dermis: Range | None = None
    skin: Range | None = None
    subcutis: Range | None = None
    # Set when ``skin`` is not the zone's own figure but the thickest any zone publishes
    # (the zone named here), which bounds skin techniques where the zone has none.
    borrowed_from: str | None = None


# The figures of a zone the catalog gives no skin thickness for.
NO_SKIN_FIGURES: Final = SkinThickness()


@attrs.frozen(kw_only=True)
class Protocol:
    """Which catalog a plan followed: its name and version (a clinic's protocol, or mesocalc's).

    Clinic software shows it beside every stored plan, so that a plan can be traced,
    years later, to the protocol that produced it and the limits it was checked against.
    """

    name: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())
    version: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.protocol_id``)."""
        return _codec.dump(self, "mesocalc.protocol_id")

    @classmethod
    def from_dict(cls, data: Any) -> Protocol:
        """Rebuild a protocol's name and version from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.protocol_id")


@attrs.frozen(kw_only=True)
class Gauges:
    """The needle gauges the sources name for a technique, as G numbers (30 for 30G).

    ``low`` is the thickest needle (the smallest G number), ``high`` the finest.
    """

    low: int = attrs.field(metadata=_codec.whole())
    high: int = attrs.field(metadata=_codec.whole())

    def contains(self, gauge: int) -> bool:
        """Whether ``gauge`` is one the sources name."""
        return self.low <= gauge <= self.high

    def describe(self) -> str:
        """``"30G to 32G"``, or ``"30G"`` for one gauge."""
        return f"{self.low}G" if self.low == self.high else f"{self.low}G to {self.high}G"


@attrs.frozen(kw_only=True, cache_hash=True)  # plan() looks its warnings up by entry
class Spec:
    """The catalog entry for one technique in one zone: its ranges and sources."""

    technique: Technique = attrs.field(metadata=_codec.name(Technique))
    zone: Zone = attrs.field(metadata=_codec.name(Zone))
    geometry: str = attrs.field(metadata=_codec.text())
    depth: Range = attrs.field(metadata=_RANGE)
    spacing: Range = attrs.field(metadata=_RANGE)
    volume_per_point: Range = attrs.field(metadata=_RANGE)
    angle: Range = attrs.field(metadata=_RANGE)
    loss_fraction: Range = attrs.field(metadata=_RANGE)
    thread_length: Range | None = attrs.field(default=None, metadata=_RANGE)
    sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts(key="source"))
    description: str = attrs.field(default="", metadata=_codec.text())
    layer: Layer = attrs.field(default=Layer.ANY, metadata=_codec.name(Layer))
    layer_sources: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())
    layer_note: str = attrs.field(default="", metadata=_codec.text())
    session: SessionCap | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(SessionCap))
    )
    # False: no source publishes this technique on this zone; plans need an override and
    # every parameter, and are checked against the technique's own ranges.
    published: bool = attrs.field(default=True, metadata=_codec.flag())
    # The lengths of the needles the sources name for the technique (None: none named).
    needle: Range | None = attrs.field(default=None, metadata=_RANGE)
    # The gauges of those needles (None: no source names one).
    needle_gauge: Gauges | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Gauges))
    )
    # The session a source publishes for this use, as a dose per area (None: none with
    # numbers): what a default plan is compared with (docs/catalog.md). Not a limit.
    published_dose: Range | None = attrs.field(default=None, metadata=_RANGE)
    # The catalog or clinic protocol the entry comes from.
    protocol: Protocol | None = attrs.field(
        default=None, metadata=_codec.part(_codec.one_of(Protocol))
    )

    def ranges(self) -> dict[str, Range]:
        """Every range of this entry by parameter name."""
        out = {name: getattr(self, name) for name in RANGED}
        if self.thread_length is not None:
            out["thread_length"] = self.thread_length
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.spec``)."""
        return _codec.dump(self, "mesocalc.spec")

    @classmethod
    def from_dict(cls, data: Any) -> Spec:
        """Rebuild a catalog entry from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.spec")


@attrs.frozen(kw_only=True)
class Contraindication:
    """Why a technique may never be used on a zone, and per which sources."""

    reason: str
    sources: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The source keys as one string."""
        return ", ".join(self.sources)
