"""Needles and syringes: the equipment a plan is checked against, with sourced presets.

A needle bounds how deep a technique can reach: the shaft inserted at an angle
to reach a depth is depth / sin(angle) long (MICHEELS16). A syringe's dead space
is product drawn up that never leaves it. The figures behind the presets live in
``equipment.toml``, each with its source key.
"""

from __future__ import annotations

import math
import re
import tomllib
from typing import TYPE_CHECKING, Any, Final

import attrs

from mesocalc._catalog.catalog import default_catalog
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._quantities import arithmetic as _core
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.inputs import in_domain, read
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc._records.structuring import Reader
from mesocalc.exceptions import CatalogError, InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["Needle", "Supply", "Syringe", "draw_up"]

_KINDS: Final = ("conventional", "low-dead-space")


@attrs.frozen(kw_only=True)
class _Preset:
    capacity: float
    dead_space: float
    source: str
    note: str


@attrs.frozen(kw_only=True)
class _Equipment:
    gauges: tuple[int, int]
    gauge_source: str
    presets: dict[tuple[str, float], _Preset]


_READ = Reader(CatalogError, "equipment.toml")


def _fail(where: str, value: Any, expected: str) -> CatalogError:
    return CatalogError(f"equipment.toml: {where}", value, expected)


def _sources(doc: dict[str, Any], where: str) -> str:
    expected = "a non-empty list of keys from catalog [sources]"
    keys = _READ.sources(doc.get("source"), default_catalog().sources, f"{where}.source", expected)
    return ", ".join(keys)


def _parse_equipment(text: str) -> _Equipment:
    doc = tomllib.loads(text)
    if doc.get("format") != 1:
        raise _fail("format", doc.get("format"), "format = 1")
    gauge = doc.get("needle", {}).get("gauge", {})
    low, high = gauge.get("low"), gauge.get("high")
    if not (isinstance(low, int) and isinstance(high, int) and 0 < low <= high):
        raise _fail("needle.gauge", (low, high), "whole numbers 0 < low <= high")
    presets: dict[tuple[str, float], _Preset] = {}
    for kind, sizes in doc.get("syringes", {}).items():
        if kind not in _KINDS:
            raise _fail(f"syringes.{kind}", kind, f"one of {', '.join(_KINDS)}")
        for size, entry in sizes.items():
            where = f"syringes.{kind}.{size}"
            try:
                capacity = read(entry.get("capacity"), "capacity")
                dead = read(entry.get("dead_space"), "dead_space")
            except InvalidValueError as exc:
                raise _fail(where, exc.value, exc.expected) from None
            presets[kind, capacity] = _Preset(
                capacity=capacity,
                dead_space=dead,
                source=_sources(entry, where),
                note=str(entry.get("note", "")),
            )
    return _Equipment(
        gauges=(low, high), gauge_source=_sources(gauge, "needle.gauge"), presets=presets
    )


@_engine.cached()
def _equipment() -> _Equipment:
    """The shipped equipment figures, read and validated once."""
    text = read_text("equipment.toml")
    return _parse_equipment(text)


# "30G", "30 G", "30g" or "30": how gauges are written on boxes and in protocols.
_GAUGE: Final = re.compile(r"\s*([0-9]{1,3})\s*[Gg]?\s*")


def _gauge(value: Any) -> Any:
    """Converter: a gauge as text ("30G") becomes its number; the validator sees the rest."""
    if isinstance(value, str):
        found = _GAUGE.fullmatch(value)
        if found is not None:
            return int(found.group(1))
    return value


def _length_mm(value: Any) -> float:
    return read(value, "length")


def _capacity_ml(value: Any) -> float:
    return read(value, "capacity")


def _dead_space_ml(value: Any) -> float:
    return read(value, "dead_space")


@attrs.frozen(kw_only=True, repr=False)
class Needle:
    """A needle: its gauge (a whole number, 30 or "30G" for 30G) and its length.

    Examples:
        >>> import mesocalc
        >>> mesocalc.Needle(gauge=30, length="4 mm")
        Needle(gauge=30, length='4 mm')
        >>> mesocalc.Needle(gauge="32G", length="4 mm").gauge
        32
    """

    gauge: int = attrs.field(converter=_gauge, metadata=_codec.whole())
    _length: float = attrs.field(
        alias="length", converter=_length_mm, metadata=_codec.quantity_field("length", given=True)
    )

    @gauge.validator
    def _check_gauge(self, attribute: attrs.Attribute[int], value: int) -> None:
        low, high = _equipment().gauges
        expected = f"a whole number from {low} to {high}, such as 30 or '30G'"
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputTypeError("gauge", value, expected)
        if not low <= value <= high:
            raise InvalidValueError("gauge", value, expected)

    @property
    def length(self) -> Any:
        """The needle's length, in mm."""
        return quantity(self._length, "millimeter")

    @property
    def length_mm(self) -> float:
        """The needle's length as a float in mm, for arithmetic."""
        return self._length

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.needle``)."""
        return _codec.dump(self, "mesocalc.needle")

    @classmethod
    def from_dict(cls, data: Any) -> Needle:
        """Rebuild a Needle from :meth:`to_dict` output (mesocalc 0.1.0's included)."""
        return _codec.load(cls, data, "mesocalc.needle")

    def __repr__(self) -> str:
        return f"Needle(gauge={self.gauge}, length='{self._length:g} mm')"


@attrs.frozen(kw_only=True, repr=False)
class Syringe:
    """A syringe: its graduated capacity and its dead space (product it keeps when emptied).

    ``source`` names the source keys of a preset's figures; it is empty for a syringe
    described by the caller.

    Examples:
        >>> import mesocalc
        >>> mesocalc.Syringe.low_dead_space()
        Syringe(capacity='1 mL', dead_space='2 µL', source='LDSS-WIKI')
        >>> print(mesocalc.Syringe(capacity="2 mL", dead_space="60 uL").dead_space)
        0.06 milliliter
    """

    _capacity: float = attrs.field(
        alias="capacity",
        converter=_capacity_ml,
        metadata=_codec.quantity_field("capacity", given=True),
    )
    _dead_space: float = attrs.field(
        alias="dead_space",
        converter=_dead_space_ml,
        metadata=_codec.quantity_field("dead_space", given=True),
    )
    source: str = attrs.field(default="", validator=_validators.text(), metadata=_codec.text())

    @property
    def capacity(self) -> Any:
        """The graduated capacity, in mL."""
        return quantity(self._capacity, "milliliter")

    @property
    def dead_space(self) -> Any:
        """Product left in the syringe and needle hub once emptied, in mL."""
        return quantity(self._dead_space, "milliliter")

    @property
    def capacity_ml(self) -> float:
        """The capacity as a float in mL, for arithmetic."""
        return self._capacity

    @property
    def dead_space_ml(self) -> float:
        """The dead space as a float in mL, for arithmetic."""
        return self._dead_space

    @classmethod
    def conventional(cls, capacity: Any = "1 mL") -> Syringe:
        """A conventional syringe of a size with a published dead space: 1, 5 or 10 mL."""
        return cls._preset("conventional", capacity)

    @classmethod
    def low_dead_space(cls, capacity: Any = "1 mL") -> Syringe:
        """A low-dead-space syringe of a size with a published dead space: 1 mL."""
        return cls._preset("low-dead-space", capacity)

    @classmethod
    def _preset(cls, kind: str, capacity: Any) -> Syringe:
        size = read(capacity, "capacity")
        presets = _equipment().presets
        for (k, c), p in presets.items():
            if k == kind and math.isclose(c, size, rel_tol=1e-9):
                return cls(
                    capacity=quantity(p.capacity, "milliliter"),
                    dead_space=quantity(p.dead_space, "milliliter"),
                    source=p.source,
                )
        sizes = sorted(c for k, c in presets if k == kind)
        raise InvalidValueError(
            "capacity",
            capacity,
            f"a {kind} size with a published dead space: " + ", ".join(f"{c:g} mL" for c in sizes),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.syringe``)."""
        return _codec.dump(self, "mesocalc.syringe")

    @classmethod
    def from_dict(cls, data: Any) -> Syringe:
        """Rebuild a Syringe from :meth:`to_dict` output (mesocalc 0.1.0's included)."""
        return _codec.load(cls, data, "mesocalc.syringe")

    def __repr__(self) -> str:
        dead = (
            f"{self._dead_space * 1000:g} µL"
            if self._dead_space < 1
            else f"{self._dead_space:g} mL"
        )
        capacity = f"{self._capacity:g} mL"
        return f"Syringe(capacity={capacity!r}, dead_space={dead!r}, source={self.source!r})"


@attrs.frozen(kw_only=True)
class Supply:
    """What to prepare for a plan: the syringe, how many of them, and the volume to draw up.

    Each syringe keeps its dead space when emptied, so the draw-up volume is the
    plan's total plus one dead space per syringe (see :func:`draw_up`).
    """

    syringe: Syringe = attrs.field(metadata=_codec.part(_codec.one_of(Syringe)))
    syringes: int = attrs.field(validator=_validators.whole(1, 2**53), metadata=_codec.whole())
    _draw_up_volume: float = attrs.field(
        alias="draw_up_volume_ml",
        validator=in_domain("draw_up_volume"),
        metadata=_codec.quantity_field("draw_up_volume"),
    )

    @classmethod
    def of(cls, total_ml: float, syringe: Syringe) -> Supply:
        """The supply of ``total_ml`` of product in ``syringe``-s."""
        count, drawn = draw_up(total_ml, syringe)
        return cls(syringe=syringe, syringes=count, draw_up_volume_ml=drawn)

    def __repr__(self) -> str:
        return (
            f"Supply(syringe={self.syringe!r}, syringes={self.syringes}, "
            f"draw_up_volume='{self._draw_up_volume:.4g} mL')"
        )

    @property
    def draw_up_volume(self) -> Quantity:
        """Product to draw up (total volume plus one dead space per syringe), in mL."""
        return quantity(self._draw_up_volume, "milliliter")


def draw_up(total: float, syringe: Syringe) -> tuple[int, float]:
    """Syringes needed for ``total`` mL, and the volume to draw up including dead space.

    Each syringe is filled to at most its capacity and keeps its dead space when
    emptied, so the dead space counts once per syringe: a never-too-little choice.
    """
    count = _core.count_cells(total, syringe.capacity_ml)
    return count, total + count * syringe.dead_space_ml
